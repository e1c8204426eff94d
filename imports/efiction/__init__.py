"""Moving an eFiction 3.x archive to Lifestream (`manage.py import_efiction`): the dump is read
by MariaDB (`mariadb.py`), its rows understood as eFiction's (`source.py`), its tags mapped
(`tagmap.py`) and written through the archive's services (`imports.efiction.services`)."""
