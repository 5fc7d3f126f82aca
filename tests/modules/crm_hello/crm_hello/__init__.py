"""A third-party module for the tests: installed with pip, found through its entry point."""
