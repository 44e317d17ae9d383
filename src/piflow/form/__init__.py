"""The workbook form (Excel): staff write a flow in sheets; piflow reads it like a flow file."""
