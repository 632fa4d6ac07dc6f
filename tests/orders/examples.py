"""Reference data the order tests share, looked up independently of the code under test.

Standard VAT rates in force in 2025/26 (EU Commission VAT rates table; ESTV for CH and LI) and
real, published VAT IDs whose check digits python-stdnum verifies (asserted in test_vat.py).
"""

from __future__ import annotations

STANDARD_RATE = {"DE": "19", "AT": "20", "CH": "8.1", "LI": "8.1", "FR": "20", "IT": "22", "ES": "21",
                 "NL": "21", "BE": "21", "LU": "17"}
EU_VAT_ID = {"DE": "DE136695976", "AT": "ATU13585627", "FR": "FR40303265045", "IT": "IT00743110157",
             "ES": "ESA28015865", "NL": "NL004495445B01", "BE": "BE0403019261", "LU": "LU15027442"}
SWISS_UID = "CHE-116.281.710"
VALID_VAT_ID = {**EU_VAT_ID, "CH": f"{SWISS_UID} MWST", "LI": f"{SWISS_UID} MWST"}
