"""fulfillment: pick tasks out, warehouse and carrier events in, one status timeline per shipment."""
