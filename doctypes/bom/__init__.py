"""Bills of materials: what one unit of an item is made of, versioned, over several levels."""
