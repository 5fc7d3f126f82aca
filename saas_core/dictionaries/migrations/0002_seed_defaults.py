"""Default pick-lists of every new company (DICT-01), in Simplified Chinese and English.

New workspaces are cloned from the migrated template schema with its rows, so these defaults
appear in every company. The data is frozen here on purpose: later changes to the defaults
come as new migrations, and a company's own edits are never overwritten.
"""

from django.db import migrations

PROBABILITY = [{"name": "probability", "kind": "int", "min": 0, "max": 100,
                "label_zh": "赢单率(%)", "label_en": "Probability (%)"}]
HOLIDAY = [
    {"name": "calendar", "kind": "choice", "label_zh": "历法", "label_en": "Calendar",
     "choices": [["solar", "公历", "Gregorian"], ["lunar", "农历", "Lunar"], ["solar_term", "节气", "Solar term"]]},
    {"name": "month", "kind": "int", "min": 1, "max": 12, "label_zh": "月", "label_en": "Month"},
    {"name": "day", "kind": "int", "min": 1, "max": 31, "label_zh": "日", "label_en": "Day"},
]
CURRENCY = [
    {"name": "code", "kind": "text", "label_zh": "代码", "label_en": "Code"},
    {"name": "symbol", "kind": "text", "label_zh": "符号", "label_en": "Symbol"},
]
RESPONSE_HOURS = [{"name": "response_hours", "kind": "int", "min": 0, "max": 720,
                   "label_zh": "响应时限(小时)", "label_en": "Response time (hours)"}]

# (key, group, name_zh, name_en, extra_fields, [(key, label_zh, label_en[, extra]), ...])
TYPES = [
    # --- customers ---------------------------------------------------------------------
    ("customer_type", "customers", "客户类型", "Customer type", [], [
        ("enterprise", "企业客户", "Enterprise"),
        ("individual", "个人客户", "Individual"),
        ("government", "政府机关", "Government agency"),
        ("institution", "事业单位", "Public institution"),
        ("social_org", "社会团体", "Social organisation"),
        ("self_employed", "个体工商户", "Sole proprietor"),
    ]),
    ("customer_category", "customers", "客户分类", "Customer category", [], [
        ("potential", "潜在客户", "Potential"),
        ("normal", "普通客户", "Normal"),
        ("vip", "VIP客户", "VIP"),
        ("agent", "代理商", "Agent"),
        ("partner", "合作伙伴", "Partner"),
        ("invalid", "无效客户", "Invalid"),
    ]),
    ("customer_grade", "customers", "客户级别", "Customer grade", [], [
        ("normal", "普通客户", "Normal"),
        ("important", "重要客户", "Important"),
        ("vip", "VIP客户", "VIP"),
        ("key_account", "重点客户", "Key account"),
        ("strategic", "战略客户", "Strategic"),
    ]),
    ("industry", "customers", "所属行业", "Industry", [], [
        ("it", "计算机/互联网", "IT and internet"),
        ("electronics", "电子/通信", "Electronics and telecoms"),
        ("machinery", "机械制造", "Machinery manufacturing"),
        ("chemicals", "化工/新材料", "Chemicals and materials"),
        ("healthcare", "医疗/医药", "Healthcare and pharmaceuticals"),
        ("finance", "金融/保险", "Finance and insurance"),
        ("real_estate", "房地产", "Real estate"),
        ("construction", "建筑/工程", "Construction and engineering"),
        ("retail", "批发零售", "Wholesale and retail"),
        ("trade", "进出口贸易", "Import and export"),
        ("logistics", "物流/运输", "Logistics and transport"),
        ("education", "教育培训", "Education and training"),
        ("hospitality", "酒店/餐饮/旅游", "Hotels, catering and travel"),
        ("media", "广告/传媒", "Advertising and media"),
        ("textiles", "纺织服装", "Textiles and apparel"),
        ("food", "食品饮料", "Food and beverages"),
        ("agriculture", "农林牧渔", "Agriculture, forestry and fishing"),
        ("automotive", "汽车及零配件", "Automotive and parts"),
        ("energy", "能源/电力/矿产", "Energy, power and mining"),
        ("other", "其他行业", "Other"),
    ]),
    ("customer_source", "customers", "客户来源", "Customer source", [], [
        ("web_search", "网络搜索", "Web search"),
        ("website", "公司网站", "Company website"),
        ("phone_enquiry", "电话咨询", "Phone enquiry"),
        ("referral", "客户介绍", "Customer referral"),
        ("trade_fair", "展会", "Trade fair"),
        ("advertising", "广告", "Advertising"),
        ("cold_call", "电话营销", "Cold call"),
        ("cold_visit", "陌生拜访", "Cold visit"),
        ("b2b_platform", "B2B平台(阿里巴巴等)", "B2B platform (Alibaba etc.)"),
        ("wechat", "微信", "WeChat"),
        ("short_video", "抖音/短视频", "Douyin / short video"),
        ("partner", "合作伙伴推荐", "Partner referral"),
        ("existing", "老客户", "Existing customer"),
        ("other", "其他", "Other"),
    ]),
    ("customer_status", "customers", "客户状态", "Customer status", [], [
        ("prospect", "潜在", "Prospect"),
        ("intention", "意向", "Intention"),
        ("paused", "暂停", "Paused"),
        ("signed", "已签约", "Signed"),
        ("lost", "已流失", "Lost"),
    ]),
    ("hot_reason", "customers", "热点原因", "Hot reason", [], [
        ("about_to_sign", "即将签约", "About to sign"),
        ("large_order", "大额订单", "Large order"),
        ("urgent_need", "需求紧急", "Urgent need"),
        ("key_project", "重点项目", "Key project"),
        ("competition", "竞争激烈", "Strong competition"),
        ("management", "领导关注", "Management attention"),
        ("renewal_due", "即将续约", "Renewal due"),
    ]),
    ("value_class", "customers", "价值评估", "Value class", [], [
        ("a", "A类(高价值)", "A (high value)"),
        ("b", "B类(中等价值)", "B (medium value)"),
        ("c", "C类(低价值)", "C (low value)"),
    ]),
    ("credit_level", "customers", "信用等级", "Credit rating", [], [
        ("aaa", "AAA(优秀)", "AAA (excellent)"),
        ("aa", "AA(良好)", "AA (good)"),
        ("a", "A(一般)", "A (fair)"),
        ("b", "B(较差)", "B (poor)"),
        ("blacklist", "黑名单", "Blacklisted"),
    ]),
    ("company_size", "customers", "人员规模", "Company size", [], [
        ("lt10", "10人以下", "Fewer than 10"),
        ("s10_49", "10-49人", "10–49"),
        ("s50_99", "50-99人", "50–99"),
        ("s100_499", "100-499人", "100–499"),
        ("s500_999", "500-999人", "500–999"),
        ("s1000", "1000人以上", "1,000 or more"),
    ]),
    ("release_reason", "customers", "放入公海原因", "Reason for release to the pool", [], [
        ("no_follow_up", "长期未跟进", "Not followed up for a long time"),
        ("no_demand", "暂无需求", "No current demand"),
        ("owner_left", "负责人离职", "Owner left the company"),
        ("wrong_info", "信息有误", "Wrong information"),
        ("unreachable", "联系不上", "Cannot be reached"),
        ("reassign", "重新分配", "To be reassigned"),
    ]),
    # --- contacts ----------------------------------------------------------------------
    ("contact_category", "contacts", "联系人分类", "Contact category", [], [
        ("key", "关键联系人", "Key contact"),
        ("normal", "普通联系人", "Regular contact"),
        ("finance", "财务联系人", "Finance contact"),
        ("technical", "技术联系人", "Technical contact"),
        ("purchasing", "采购联系人", "Purchasing contact"),
        ("former", "已离职", "Left the company"),
    ]),
    ("contact_role", "contacts", "业务角色", "Business role", [], [
        ("decision_maker", "决策者", "Decision maker"),
        ("influencer", "影响者", "Influencer"),
        ("user", "使用者", "User"),
        ("evaluator", "技术评估者", "Technical evaluator"),
        ("purchaser", "采购执行者", "Purchaser"),
        ("approver", "审批者", "Approver"),
        ("coach", "内线/引荐人", "Coach (internal champion)"),
        ("gatekeeper", "把关人", "Gatekeeper"),
    ]),
    ("relationship_level", "contacts", "关系程度", "Relationship", [], [
        ("close", "密切", "Close"),
        ("good", "较好", "Good"),
        ("normal", "一般", "Neutral"),
        ("poor", "较差", "Poor"),
        ("new", "初次接触", "New"),
    ]),
    # --- follow-up and schedule --------------------------------------------------------
    ("activity_type", "activities", "跟进方式", "Follow-up type", [], [
        ("call", "电话", "Phone call"),
        ("visit", "上门拜访", "Visit"),
        ("email", "电子邮件", "E-mail"),
        ("wechat", "微信", "WeChat"),
        ("qq", "QQ", "QQ"),
        ("meeting", "会议洽谈", "Meeting"),
        ("sms", "短信", "SMS"),
        ("video", "视频会议", "Video call"),
        ("reception", "来访接待", "Customer came to us"),
        ("demo", "产品演示", "Product demo"),
        ("other", "其他", "Other"),
    ]),
    ("follow_up_result", "activities", "跟进结果", "Follow-up result", [], [
        ("interested", "有意向", "Interested"),
        ("follow_again", "需继续跟进", "Follow up again"),
        ("meeting_set", "已约见面", "Meeting arranged"),
        ("quoted", "已报价", "Quoted"),
        ("not_interested", "暂无意向", "Not interested"),
        ("not_reached", "未联系上", "Not reached"),
    ]),
    ("task_priority", "activities", "任务优先级", "Task priority", [], [
        ("urgent", "紧急", "Urgent"),
        ("high", "高", "High"),
        ("medium", "中", "Medium"),
        ("low", "低", "Low"),
    ]),
    ("schedule_type", "activities", "日程类型", "Schedule type", [], [
        ("visit", "拜访客户", "Customer visit"),
        ("meeting", "会议", "Meeting"),
        ("call", "电话回访", "Call back"),
        ("business_trip", "出差", "Business trip"),
        ("training", "培训", "Training"),
        ("internal", "内部事务", "Internal matter"),
        ("personal", "个人事务", "Personal"),
        ("other", "其他", "Other"),
    ]),
    ("care_type", "activities", "关怀类型", "Care type", [], [
        ("birthday", "生日关怀", "Birthday greeting"),
        ("holiday", "节日问候", "Holiday greeting"),
        ("anniversary", "合作周年", "Partnership anniversary"),
        ("check_in", "定期回访", "Regular check-in"),
        ("gift", "赠送礼品", "Gift"),
        ("condolence", "慰问", "Condolence"),
        ("congratulation", "祝贺(开业、乔迁等)", "Congratulations (opening, move, ...)"),
    ]),
    ("holiday", "activities", "节日", "Holiday", HOLIDAY, [
        ("new_year", "元旦", "New Year's Day", {"calendar": "solar", "month": 1, "day": 1}),
        ("spring_festival", "春节", "Spring Festival", {"calendar": "lunar", "month": 1, "day": 1}),
        ("lantern", "元宵节", "Lantern Festival", {"calendar": "lunar", "month": 1, "day": 15}),
        ("womens_day", "妇女节", "International Women's Day", {"calendar": "solar", "month": 3, "day": 8}),
        ("qingming", "清明节", "Qingming Festival", {"calendar": "solar_term", "month": 4, "day": 5}),
        ("labour_day", "劳动节", "Labour Day", {"calendar": "solar", "month": 5, "day": 1}),
        ("dragon_boat", "端午节", "Dragon Boat Festival", {"calendar": "lunar", "month": 5, "day": 5}),
        ("childrens_day", "儿童节", "Children's Day", {"calendar": "solar", "month": 6, "day": 1}),
        ("qixi", "七夕节", "Qixi Festival", {"calendar": "lunar", "month": 7, "day": 7}),
        ("mid_autumn", "中秋节", "Mid-Autumn Festival", {"calendar": "lunar", "month": 8, "day": 15}),
        ("teachers_day", "教师节", "Teachers' Day", {"calendar": "solar", "month": 9, "day": 10}),
        ("national_day", "国庆节", "National Day", {"calendar": "solar", "month": 10, "day": 1}),
        ("double_ninth", "重阳节", "Double Ninth Festival", {"calendar": "lunar", "month": 9, "day": 9}),
        ("christmas", "圣诞节", "Christmas", {"calendar": "solar", "month": 12, "day": 25}),
        ("laba", "腊八节", "Laba Festival", {"calendar": "lunar", "month": 12, "day": 8}),
    ]),
    ("announcement_category", "activities", "公告分类", "Announcement category", [], [
        ("notice", "通知", "Notice"),
        ("policy", "规章制度", "Policy"),
        ("news", "公司新闻", "Company news"),
        ("holiday", "放假安排", "Holiday arrangements"),
        ("training", "培训", "Training"),
        ("commendation", "表彰", "Commendation"),
        ("personnel", "人事任免", "Appointments"),
    ]),
    # --- sales -------------------------------------------------------------------------
    ("opportunity_stage", "sales", "销售阶段", "Opportunity stage", PROBABILITY, [
        ("initial_contact", "初步接洽", "Initial contact", {"probability": 10}),
        ("needs_analysis", "需求分析", "Needs analysis", {"probability": 30}),
        ("proposal", "方案报价", "Proposal and quote", {"probability": 50}),
        ("negotiation", "商务谈判", "Negotiation", {"probability": 80}),
        ("won", "赢单", "Won", {"probability": 100}),
        ("lost", "输单", "Lost", {"probability": 0}),
    ]),
    ("opportunity_type", "sales", "机会类型", "Opportunity type", [], [
        ("new_business", "新客户新业务", "New business"),
        ("upsell", "老客户增购", "Upsell to existing customer"),
        ("renewal", "续约续费", "Renewal"),
        ("replacement", "竞品替换", "Competitive replacement"),
        ("tender", "项目招投标", "Tender"),
    ]),
    ("opportunity_source", "sales", "机会来源", "Opportunity source", [], [
        ("customer_enquiry", "客户主动咨询", "Customer enquiry"),
        ("prospecting", "销售开拓", "Sales prospecting"),
        ("referral", "转介绍", "Referral"),
        ("campaign", "市场活动", "Marketing campaign"),
        ("tender_notice", "招标信息", "Tender notice"),
        ("channel", "渠道合作", "Channel partner"),
        ("existing", "老客户需求", "Existing customer"),
    ]),
    ("lost_reason", "sales", "输单原因", "Lost reason", [], [
        ("price", "价格偏高", "Price too high"),
        ("product_fit", "产品不满足需求", "Product does not fit"),
        ("competitor", "竞争对手关系更好", "Competitor's relationship"),
        ("budget", "预算取消", "Budget cancelled"),
        ("postponed", "项目延期或搁置", "Project postponed"),
        ("service", "服务不满意", "Service concerns"),
        ("delivery", "交期不满足", "Delivery time"),
        ("no_decision", "客户迟迟未决策", "No decision"),
        ("other", "其他", "Other"),
    ]),
    ("competitor_threat", "sales", "竞争威胁程度", "Competitor threat", [], [
        ("high", "高", "High"),
        ("medium", "中", "Medium"),
        ("low", "低", "Low"),
        ("none", "无", "None"),
    ]),
    ("lead_source", "sales", "线索来源", "Lead source", [], [
        ("website_form", "官网留言", "Website form"),
        ("online_ads", "网络推广", "Online advertising"),
        ("trade_fair", "展会", "Trade fair"),
        ("hotline", "400热线", "Hotline (400 number)"),
        ("social_media", "社交媒体", "Social media"),
        ("purchased_list", "外购名单", "Purchased list"),
        ("referral", "转介绍", "Referral"),
        ("event", "市场活动", "Event"),
        ("other", "其他", "Other"),
    ]),
    ("quote_status", "sales", "报价状态", "Quote status", [], [
        ("draft", "草稿", "Draft"),
        ("sent", "已发送", "Sent"),
        ("accepted", "客户已接受", "Accepted"),
        ("rejected", "客户已拒绝", "Rejected"),
        ("expired", "已过期", "Expired"),
        ("converted", "已转订单", "Converted to order"),
    ]),
    ("contract_category", "sales", "合同类别", "Contract category", [], [
        ("sales", "销售合同", "Sales contract"),
        ("service", "服务合同", "Service contract"),
        ("framework", "框架协议", "Framework agreement"),
        ("maintenance", "维保合同", "Maintenance contract"),
        ("agency", "代理合同", "Agency contract"),
        ("lease", "租赁合同", "Lease"),
        ("supplementary", "补充协议", "Supplementary agreement"),
    ]),
    ("contract_status", "sales", "合同状态", "Contract status", [], [
        ("draft", "草拟", "Draft"),
        ("pending_approval", "待审批", "Awaiting approval"),
        ("in_progress", "执行中", "In progress"),
        ("completed", "已完成", "Completed"),
        ("terminated", "已终止", "Terminated"),
        ("void", "已作废", "Void"),
    ]),
    ("order_status", "sales", "订单状态", "Order status", [], [
        ("pending", "待确认", "Awaiting confirmation"),
        ("confirmed", "已确认", "Confirmed"),
        ("partly_shipped", "部分发货", "Partly shipped"),
        ("shipped", "已发货", "Shipped"),
        ("completed", "已完成", "Completed"),
        ("cancelled", "已取消", "Cancelled"),
    ]),
    ("shipping_method", "sales", "发货方式", "Shipping method", [], [
        ("express", "快递", "Express courier"),
        ("freight", "物流托运", "Freight"),
        ("pickup", "客户自提", "Customer pickup"),
        ("delivery", "送货上门", "Our own delivery"),
        ("post", "邮政", "Post"),
        ("air", "空运", "Air freight"),
        ("sea", "海运", "Sea freight"),
    ]),
    ("price_strategy", "sales", "价格策略", "Price strategy", [], [
        ("quote", "报价", "Quote price"),
        ("deal", "成交价", "Deal price"),
        ("vip", "会员价", "VIP price"),
        ("wholesale", "批发价", "Wholesale price"),
        ("retail", "零售价", "Retail price"),
        ("agent", "代理价", "Agent price"),
    ]),
    ("currency", "sales", "币种", "Currency", CURRENCY, [
        ("cny", "人民币", "Chinese yuan", {"code": "CNY", "symbol": "¥"}),
        ("usd", "美元", "US dollar", {"code": "USD", "symbol": "$"}),
        ("eur", "欧元", "Euro", {"code": "EUR", "symbol": "€"}),
        ("hkd", "港币", "Hong Kong dollar", {"code": "HKD", "symbol": "HK$"}),
        ("jpy", "日元", "Japanese yen", {"code": "JPY", "symbol": "JP¥"}),
        ("gbp", "英镑", "Pound sterling", {"code": "GBP", "symbol": "£"}),
    ]),
    # --- payments and expenses ---------------------------------------------------------
    ("payment_method", "finance", "付款方式", "Payment method", [], [
        ("bank_transfer", "银行转账", "Bank transfer"),
        ("cash", "现金", "Cash"),
        ("alipay", "支付宝", "Alipay"),
        ("wechat_pay", "微信支付", "WeChat Pay"),
        ("cheque", "支票", "Cheque"),
        ("bank_acceptance", "银行承兑汇票", "Bank acceptance bill"),
        ("commercial_acceptance", "商业承兑汇票", "Commercial acceptance bill"),
        ("card", "POS刷卡", "Card (POS)"),
        ("other", "其他", "Other"),
    ]),
    ("payment_type", "finance", "回款类型", "Payment type", [], [
        ("deposit", "定金", "Deposit"),
        ("advance", "预付款", "Advance payment"),
        ("progress", "进度款", "Progress payment"),
        ("final", "尾款", "Final payment"),
        ("full", "全款", "Payment in full"),
        ("retention", "质保金", "Retention money"),
        ("service_fee", "服务费", "Service fee"),
    ]),
    ("settlement_terms", "finance", "结算方式", "Settlement terms", [], [
        ("prepaid", "款到发货", "Payment before delivery"),
        ("cod", "货到付款", "Cash on delivery"),
        ("monthly", "月结", "Monthly settlement"),
        ("instalments", "分期付款", "Instalments"),
        ("on_acceptance", "验收后付款", "Payment on acceptance"),
    ]),
    ("invoice_type", "finance", "发票类型", "Invoice type", [], [
        ("vat_special", "增值税专用发票", "VAT special invoice"),
        ("vat_normal", "增值税普通发票", "VAT general invoice"),
        ("e_invoice", "数电发票", "Digital e-invoice"),
        ("receipt", "收据", "Receipt"),
        ("none", "不开票", "No invoice"),
    ]),
    ("expense_type", "finance", "费用类型", "Expense type", [], [
        ("travel", "差旅费", "Travel"),
        ("transport", "交通费", "Local transport"),
        ("accommodation", "住宿费", "Accommodation"),
        ("meals", "餐费", "Meals"),
        ("entertainment", "业务招待费", "Client entertainment"),
        ("gifts", "礼品费", "Gifts"),
        ("communication", "通讯费", "Phone and internet"),
        ("office", "办公费", "Office supplies"),
        ("marketing", "市场推广费", "Marketing"),
        ("courier", "快递费", "Courier"),
        ("training", "培训费", "Training"),
        ("other", "其他费用", "Other"),
    ]),
    # --- service -----------------------------------------------------------------------
    ("service_type", "service", "服务类型", "Service type", [], [
        ("installation", "安装调试", "Installation"),
        ("training", "使用培训", "Training"),
        ("repair", "维修", "Repair"),
        ("maintenance", "保养巡检", "Maintenance"),
        ("consulting", "技术咨询", "Technical consulting"),
        ("remote_support", "远程支持", "Remote support"),
        ("upgrade", "升级", "Upgrade"),
        ("check_in", "售后回访", "After-sales check-in"),
    ]),
    ("service_channel", "service", "服务方式", "Service channel", [], [
        ("phone", "电话", "Phone"),
        ("onsite", "上门服务", "On site"),
        ("remote", "远程协助", "Remote"),
        ("email", "电子邮件", "E-mail"),
        ("wechat", "微信", "WeChat"),
        ("online_chat", "在线客服", "Online chat"),
        ("walk_in", "客户来访", "Walk-in"),
    ]),
    ("complaint_type", "service", "投诉类型", "Complaint type", [], [
        ("quality", "产品质量", "Product quality"),
        ("attitude", "服务态度", "Service attitude"),
        ("late_delivery", "交货延误", "Late delivery"),
        ("price", "价格争议", "Price dispute"),
        ("slow_response", "售后响应慢", "Slow after-sales response"),
        ("billing", "账务或发票问题", "Billing or invoice"),
        ("other", "其他", "Other"),
    ]),
    ("complaint_urgency", "service", "紧急程度", "Complaint urgency", RESPONSE_HOURS, [
        ("critical", "非常紧急", "Critical", {"response_hours": 2}),
        ("urgent", "紧急", "Urgent", {"response_hours": 8}),
        ("normal", "一般", "Normal", {"response_hours": 24}),
        ("low", "不急", "Low", {"response_hours": 72}),
    ]),
    ("satisfaction", "service", "满意度", "Satisfaction", [], [
        ("very_satisfied", "非常满意", "Very satisfied"),
        ("satisfied", "满意", "Satisfied"),
        ("neutral", "一般", "Neutral"),
        ("dissatisfied", "不满意", "Dissatisfied"),
        ("very_dissatisfied", "非常不满意", "Very dissatisfied"),
    ]),
    # --- marketing ---------------------------------------------------------------------
    ("sms_template_category", "marketing", "短信模板分类", "SMS template category", [], [
        ("holiday", "节日祝福", "Holiday greetings"),
        ("birthday", "生日祝福", "Birthday greetings"),
        ("notice", "通知提醒", "Notices"),
        ("promotion", "营销推广", "Promotion"),
        ("payment_reminder", "催款提醒", "Payment reminders"),
        ("service", "服务通知", "Service notices"),
    ]),
    ("email_campaign_category", "marketing", "邮件营销分类", "E-mail campaign category", [], [
        ("newsletter", "电子期刊", "Newsletter"),
        ("product_launch", "新品发布", "Product launch"),
        ("promotion", "促销活动", "Promotion"),
        ("invitation", "活动邀请", "Event invitation"),
        ("care", "客户关怀", "Customer care"),
        ("survey", "满意度调查", "Survey"),
    ]),
    ("campaign_type", "marketing", "市场活动类型", "Campaign type", [], [
        ("trade_fair", "展会", "Trade fair"),
        ("seminar", "研讨会", "Seminar"),
        ("online", "网络推广", "Online promotion"),
        ("livestream", "线上直播", "Livestream / webinar"),
        ("salon", "客户沙龙", "Customer salon"),
        ("promotion", "促销活动", "Promotion"),
        ("advertising", "广告投放", "Advertising"),
    ]),
    # --- products, purchasing and inventory --------------------------------------------
    ("product_unit", "products", "计量单位", "Unit of measure", [], [
        ("piece", "个", "piece"),
        ("item", "件", "item"),
        ("unit", "台", "unit"),
        ("set", "套", "set"),
        ("box", "箱", "box"),
        ("pack", "包", "pack"),
        ("bottle", "瓶", "bottle"),
        ("bag", "袋", "bag"),
        ("roll", "卷", "roll"),
        ("sheet", "张", "sheet"),
        ("pair", "双", "pair"),
        ("kg", "千克", "kg"),
        ("g", "克", "g"),
        ("ton", "吨", "t"),
        ("m", "米", "m"),
        ("m2", "平方米", "m²"),
        ("litre", "升", "L"),
        ("hour", "小时", "hour"),
        ("day", "天", "day"),
        ("year", "年", "year"),
    ]),
    ("supplier_type", "products", "供应商类型", "Supplier type", [], [
        ("manufacturer", "生产厂家", "Manufacturer"),
        ("distributor", "经销商", "Distributor"),
        ("agent", "代理商", "Agent"),
        ("trading", "贸易公司", "Trading company"),
        ("service", "服务商", "Service provider"),
        ("individual", "个体户", "Sole trader"),
    ]),
    ("purchase_type", "products", "采购类型", "Purchase type", [], [
        ("routine", "常规采购", "Routine"),
        ("urgent", "紧急采购", "Urgent"),
        ("project", "项目采购", "Project"),
        ("sample", "样品采购", "Samples"),
        ("stock_up", "备货采购", "Stocking up"),
    ]),
    ("warehouse_type", "products", "仓库类型", "Warehouse type", [], [
        ("finished", "成品仓", "Finished goods"),
        ("raw", "原材料仓", "Raw materials"),
        ("semi_finished", "半成品仓", "Semi-finished goods"),
        ("spare_parts", "备品备件仓", "Spare parts"),
        ("defective", "不良品仓", "Defective goods"),
        ("consignment", "代管仓", "Consignment stock"),
    ]),
    ("stocktake_reason", "products", "盘点差异原因", "Stocktake difference reason", [], [
        ("routine", "定期盘点", "Routine count"),
        ("damage", "损坏", "Damage"),
        ("loss", "丢失", "Loss"),
        ("wastage", "自然损耗", "Natural wastage"),
        ("expired", "过期报废", "Expired and scrapped"),
        ("booking_error", "记账错误", "Booking error"),
        ("surplus", "盘盈", "Surplus found"),
    ]),
    ("return_reason", "products", "退货原因", "Return reason", [], [
        ("quality", "质量问题", "Quality problem"),
        ("wrong_goods", "发错货", "Wrong goods sent"),
        ("transit_damage", "运输破损", "Damaged in transit"),
        ("not_as_described", "与描述不符", "Not as described"),
        ("not_needed", "客户不再需要", "No longer needed"),
        ("expiry", "临期或过期", "Near or past expiry"),
        ("other", "其他", "Other"),
    ]),
]


def seed(apps, schema_editor):
    DictionaryType = apps.get_model("dictionaries", "DictionaryType")
    DictionaryItem = apps.get_model("dictionaries", "DictionaryItem")
    for type_order, (key, group, name_zh, name_en, extra_fields, items) in enumerate(TYPES, start=1):
        dtype, _created = DictionaryType.objects.get_or_create(key=key, defaults={
            "group": group, "name_zh": name_zh, "name_en": name_en, "order": type_order, "extra_fields": extra_fields,
        })
        existing = set(DictionaryItem.objects.filter(type=dtype).values_list("key", flat=True))
        DictionaryItem.objects.bulk_create([
            DictionaryItem(
                type=dtype, key=item[0], label_zh=item[1], label_en=item[2], extra=item[3] if len(item) > 3 else {},
                order=item_order, is_builtin=True,
            )
            for item_order, item in enumerate(items, start=1)
            if item[0] not in existing
        ])


def unseed(apps, schema_editor):
    """Remove only built-in values nothing refers to; the types go when they are empty."""
    DictionaryType = apps.get_model("dictionaries", "DictionaryType")
    for dtype in DictionaryType.objects.filter(key__in=[t[0] for t in TYPES]):
        for item in dtype.items.filter(is_builtin=True):
            try:
                item.delete()
            except Exception:  # protected by a referring record: keep it
                continue
        if not dtype.items.exists():
            dtype.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("dictionaries", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
