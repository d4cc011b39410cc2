"""Safety around the model: the audit log (:mod:`mokmin.guard.audit`) and the egress guard
(:mod:`mokmin.guard.egress`) that masks personal data before any non-local backend."""
