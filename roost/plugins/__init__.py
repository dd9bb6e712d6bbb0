"""Built-in plugins that extend the App exactly as third-party code does (through its hooks)."""
