# The antsibull-nox sessions of antsibull-nox.toml (make lint runs them; see hack/lint.sh).
import antsibull_nox

antsibull_nox.load_antsibull_nox_toml()
