def orienta(request):
    return {}
