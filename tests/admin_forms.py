"""The POST data a browser sends back from an admin change form the test client rendered."""

import datetime


def _widget_value(value):
    if value is None:
        return None  # an empty field is sent as nothing, as a browser would
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_data(form, data):
    for name in form.fields:
        value = _widget_value(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value


def admin_form_data(response, **changes):
    """The POST data of the admin form that ``response`` (a GET) rendered, with ``changes``."""
    data = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_data(formset.management_form, data)
        for form in formset.forms:
            _form_data(form, data)
    data.update(changes)
    return data
