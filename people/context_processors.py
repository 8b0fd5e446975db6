def unread_notifications(request):
    """The bell's count: read with the user (people.auth.UserBackend), else one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_count", None)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": count}
