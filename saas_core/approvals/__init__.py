"""Approval flows (APR-01, 审批流): one engine every document type registers with."""
