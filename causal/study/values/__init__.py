"""The value types a study file declares for the attack layer, below it.

Priors of a probabilistic bias analysis (:mod:`.priors`), the parameters of selection,
misclassification and confounding bias (:mod:`.biases`), and what a confounder scenario rests
on (:mod:`.scenario_basis`): frozen values checked when the study is read, which the
sensitivity analyses (:mod:`causal.sensitivity`) take as their inputs. They import only the
base modules, so the study file's parser need not import the analyses that read them.
"""
