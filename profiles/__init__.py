"""Product catalogue per brand, printers, markets and the ICC profiles they name.

Everything here is data validated at load time; adding a product is a data change.
"""

from profiles.catalogue import Catalogue, CatalogueError, Product, load_catalogue

__all__ = ["Catalogue", "CatalogueError", "Product", "load_catalogue"]
