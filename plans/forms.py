from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError):
    """Show a workflow's refusal on the form: beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
