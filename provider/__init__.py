"""The multi-language plugin of this repository: serves the components through the Pulumi component provider host."""
