"""The app's pages, one blueprint per area of the product."""
