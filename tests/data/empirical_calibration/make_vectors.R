# Test vectors for causal.sensitivity.negative_controls.empirical_calibration from OHDSI's EmpiricalCalibration.
# Run once in Debian's R (see README.md for versions):
#   Rscript make_vectors.R   (from this folder; EmpiricalCalibration installed in .libPaths())
# Writes <dataset>.csv (the package's example data as shipped) and results.json.
libs <- Sys.getenv("R_EC_LIB")
if (nzchar(libs)) .libPaths(c(libs, .libPaths()))
library(EmpiricalCalibration)
library(jsonlite)

out <- list(package_version = as.character(packageVersion("EmpiricalCalibration")),
            r_version = R.version.string)

refine_null <- function(null, logRr, seLogRr) {
  # the package's own likelihood, optimised to convergence from fitNull's answer
  # (theta = (mean, precision) as in fitNull)
  theta <- c(null[1], 1 / null[2]^2)
  for (k in 1:5) {
    fit <- optim(theta, EmpiricalCalibration:::logLikelihoodNull, logRr = logRr,
                 seLogRr = seLogRr, control = list(reltol = 1e-15, maxit = 20000))
    theta <- fit$par
  }
  c(mean = theta[1], sd = 1 / sqrt(theta[2]), neg_log_lik = fit$value)
}

# calibrateConfidenceInterval's own code, run with uniroot's tolerance tightened from its default
# (.Machine$double.eps^0.25 ~ 1.2e-4, which limits the CI limits to ~3e-5) to 1e-13; nothing
# else is changed: the function body is the package's, only `uniroot` is looked up first here.
tight_env <- new.env(parent = asNamespace("EmpiricalCalibration"))
assign("uniroot", function(...) stats::uniroot(..., tol = 1e-13), envir = tight_env)
calibrateCiTight <- EmpiricalCalibration::calibrateConfidenceInterval
environment(calibrateCiTight) <- tight_env

null_only <- function(name) {
  d <- get(name)
  write.csv(d, paste0(name, ".csv"), row.names = FALSE)
  neg <- d[d$groundTruth == 0, ]
  null <- fitNull(neg$logRr, neg$seLogRr)
  refined <- refine_null(null, neg$logRr, neg$seLogRr)
  p2 <- calibrateP(null, d$logRr, d$seLogRr)
  pu <- calibrateP(null, d$logRr, d$seLogRr, twoSided = FALSE, upper = TRUE)
  model <- convertNullToErrorModel(null)
  ci <- calibrateConfidenceInterval(d$logRr, d$seLogRr, model, ciWidth = 0.95)
  ci_tight <- calibrateCiTight(d$logRr, d$seLogRr, model, ciWidth = 0.95)
  z <- qnorm(0.975)
  closed <- d$logRr - null[1] - z * sqrt(null[2]^2 + d$seLogRr^2)
  list(null = list(mean = unname(null[1]), sd = unname(null[2])),
       null_refined = as.list(refined),
       ease = computeExpectedAbsoluteSystematicError(null),
       calibrated_p_two_sided = p2, calibrated_p_upper = pu,
       ci = ci, ci_tight = ci_tight,
       ci_lower_minus_closed_form_max_abs = max(abs(ci$logLb95Rr - closed)))
}

with_positive <- function(name) {
  d <- get(name)
  write.csv(d, paste0(name, ".csv"), row.names = FALSE)
  ctl <- d[!is.na(d$trueLogRr), ]
  neg <- ctl[ctl$trueLogRr == 0, ]
  null <- fitNull(neg$logRr, neg$seLogRr)
  refined <- refine_null(null, neg$logRr, neg$seLogRr)
  model <- fitSystematicErrorModel(ctl$logRr, ctl$seLogRr, ctl$trueLogRr)
  theta <- unclass(model)
  for (k in 1:5) {
    fit <- optim(theta, EmpiricalCalibration:::minLogLikelihoodErrorModel, logRr = ctl$logRr,
                 seLogRr = ctl$seLogRr, trueLogRr = ctl$trueLogRr,
                 control = list(reltol = 1e-15, maxit = 20000))
    theta <- fit$par
  }
  refined_model <- theta
  names(refined_model) <- names(model)
  class(refined_model) <- "systematicErrorModel"
  ci <- calibrateConfidenceInterval(d$logRr, d$seLogRr, model, ciWidth = 0.95)
  ci_refined <- calibrateConfidenceInterval(d$logRr, d$seLogRr, refined_model, ciWidth = 0.95)
  ci_tight <- calibrateCiTight(d$logRr, d$seLogRr, model, ciWidth = 0.95)
  ci_refined_tight <- calibrateCiTight(d$logRr, d$seLogRr, refined_model, ciWidth = 0.95)
  list(null = list(mean = unname(null[1]), sd = unname(null[2])),
       null_refined = as.list(refined),
       ease = computeExpectedAbsoluteSystematicError(null),
       calibrated_p_two_sided = calibrateP(null, d$logRr, d$seLogRr),
       model = as.list(unclass(model)),
       model_neg_log_lik = EmpiricalCalibration:::minLogLikelihoodErrorModel(
         unclass(model), ctl$logRr, ctl$seLogRr, ctl$trueLogRr),
       model_refined = as.list(unclass(refined_model)),
       model_refined_neg_log_lik = fit$value,
       ci = ci, ci_refined = ci_refined, ci_tight = ci_tight,
       ci_refined_tight = ci_refined_tight)
}

data(sccs); data(caseControl); data(cohortMethod)
data(southworthReplication); data(grahamReplication)
for (name in c("sccs", "caseControl", "cohortMethod")) out[[name]] <- null_only(name)
for (name in c("southworthReplication", "grahamReplication")) out[[name]] <- with_positive(name)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), "results.json")
