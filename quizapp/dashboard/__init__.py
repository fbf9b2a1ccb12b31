"""The cohort dashboard, the daily digest and the readiness exports for trainers and HR."""
