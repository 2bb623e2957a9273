services-title = x
