"""The reports app's pages: warnings (`warnings`), the province's view (`province`) and the report register with
its reporting rules (`register`)."""
