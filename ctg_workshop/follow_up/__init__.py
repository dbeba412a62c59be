"""After the signature: indicators and their yearly figures, the progress of each fiche action,
the steering committee's meetings, partners' reporting links and the annual report's data."""
