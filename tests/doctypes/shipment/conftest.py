from tests.doctypes.sales_order.support import call, headers, ledger_agrees, shop  # noqa: F401
