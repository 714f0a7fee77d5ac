"""Status catalogs: list them, map a company's remote ids onto them."""
