"""Small pure helpers shared by the apps (crypto, errors, masking); no models here."""
