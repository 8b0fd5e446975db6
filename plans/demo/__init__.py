"""The demo: a year of work on the seed plans, as commune offices would have entered it.

`load_demo` loads the seeds, then (`year.demo_year_load`) a year of monthly updates, evidence and
reviews, reports and warnings through the portal's own services, each dated when it would have
been entered. Everything it makes up carries the mark `DEMO_MARK` ("Dữ liệu minh họa") where it shows.
"""
DEMO_MARK = "Dữ liệu minh họa"
DEMO_PREFIX = f"[{DEMO_MARK}] "
# The demo province Dân Tiến's seed leaves unnamed (seed 004 names none), named plainly as demo data.
DEMO_PROVINCE_SLUG = "tinh-cua-dan-tien"
DEMO_PROVINCE_NAME = "Minh họa"
