"""The stock ledger and its moves (Racko): levels per item and bin kept with every entry."""
