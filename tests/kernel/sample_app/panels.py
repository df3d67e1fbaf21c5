def panel(request, area):
    return {"template": "sample_app/_panel.html", "name": area.name}
