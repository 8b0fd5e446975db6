"""A person's displayed name is one rule (`User.display_name`), whatever shows it."""
from people.models import User, display_name


def test_a_person_is_shown_by_full_name_else_by_username():
    assert User(username="lan", first_name="Nguyễn Thị", last_name="Lan").display_name == "Nguyễn Thị Lan"
    assert User(username="lan", first_name="Lan").display_name == "Lan"
    assert User(username="lan").display_name == "lan"


def test_rows_read_from_values_show_the_same_name_as_the_user():
    # History rows read plain values (first name, last name, username), never the user object.
    assert display_name(None, None, "lan") == "lan" == User(username="lan").display_name
    assert display_name("Nguyễn Thị", "Lan", "lan") == User(username="lan", first_name="Nguyễn Thị",
                                                             last_name="Lan").display_name
