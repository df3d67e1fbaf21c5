"""人民调解: a sub-domain of cases. Its models keep the cases app label (cases/models.py imports
them), so its tables and migrations stay where they were."""
