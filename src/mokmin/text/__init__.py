"""Korean text utilities shared by checkers and workflows."""
