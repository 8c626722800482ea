-- Schema history starts here; each capability adds its tables in a migration of its own.
SELECT 1;
