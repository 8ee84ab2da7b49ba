# Test vectors for causal.estimate.rubin.pool_scalar: R's mice::pool on FIXED imputations.
# Run once (Debian r-base-core + r-cran-mice); CI never runs R:
#   Rscript tests/data/mice_pool/pool_vectors.R   (from the repository root)
# Writes tests/data/mice_pool/pool_vectors.csv: per case, the m per-imputation estimates and
# variances (the input; mice::pool reads them from the fitted models) and mice's pooled
# estimate, ubar, b, t, dfcom, df, riv, lambda, fmi.
suppressPackageStartupMessages(library(mice))
out_dir <- "tests/data/mice_pool"
imp <- mice(nhanes, m = 5, maxit = 5, seed = 20240101, printFlag = FALSE)
cases <- list(
  list(name = "nhanes_lm_age", fit = with(imp, lm(chl ~ age + bmi)), term = "age"),
  list(name = "nhanes_lm_bmi", fit = with(imp, lm(chl ~ age + bmi)), term = "bmi"),
  list(name = "nhanes2_glm_hyp", fit = with(mice(nhanes2, m = 7, seed = 7, printFlag = FALSE),
        glm(hyp ~ age + chl, family = binomial)), term = "chl")
)
rows <- list()
for (case in cases) {
  ests <- sapply(case$fit$analyses, function(f) coef(f)[[case$term]])
  vars <- sapply(case$fit$analyses, function(f) vcov(f)[case$term, case$term])
  p <- pool(case$fit)$pooled
  r <- p[p$term == case$term, ]
  rows[[length(rows) + 1]] <- data.frame(
    case = case$name, m = length(ests),
    estimates = paste(sprintf("%.17g", ests), collapse = ";"),
    variances = paste(sprintf("%.17g", vars), collapse = ";"),
    estimate = sprintf("%.17g", r$estimate), ubar = sprintf("%.17g", r$ubar),
    b = sprintf("%.17g", r$b), t = sprintf("%.17g", r$t), dfcom = sprintf("%.17g", r$dfcom),
    df = sprintf("%.17g", r$df), riv = sprintf("%.17g", r$riv),
    lambda = sprintf("%.17g", r$lambda), fmi = sprintf("%.17g", r$fmi))
}
# a case with dfcom = Inf (large-sample estimator): pool.scalar on fixed numbers
q <- c(0.91, 0.87, 0.95, 0.89, 0.93, 0.88, 0.92, 0.90)
u <- c(0.0121, 0.0118, 0.0125, 0.0119, 0.0122, 0.0120, 0.0124, 0.0117)
s <- pool.scalar(q, u, n = Inf, k = 1)
rows[[length(rows) + 1]] <- data.frame(
  case = "scalar_dfcom_inf", m = length(q),
  estimates = paste(sprintf("%.17g", q), collapse = ";"),
  variances = paste(sprintf("%.17g", u), collapse = ";"),
  estimate = sprintf("%.17g", s$qbar), ubar = sprintf("%.17g", s$ubar),
  b = sprintf("%.17g", s$b), t = sprintf("%.17g", s$t), dfcom = "Inf",
  df = sprintf("%.17g", s$df), riv = sprintf("%.17g", s$r),
  lambda = sprintf("%.17g", (1 + 1 / length(q)) * s$b / s$t), fmi = sprintf("%.17g", s$fmi))
s2 <- pool.scalar(q, u, n = 40, k = 3)
rows[[length(rows) + 1]] <- data.frame(
  case = "scalar_dfcom_37", m = length(q),
  estimates = paste(sprintf("%.17g", q), collapse = ";"),
  variances = paste(sprintf("%.17g", u), collapse = ";"),
  estimate = sprintf("%.17g", s2$qbar), ubar = sprintf("%.17g", s2$ubar),
  b = sprintf("%.17g", s2$b), t = sprintf("%.17g", s2$t), dfcom = "37",
  df = sprintf("%.17g", s2$df), riv = sprintf("%.17g", s2$r),
  lambda = sprintf("%.17g", (1 + 1 / length(q)) * s2$b / s2$t), fmi = sprintf("%.17g", s2$fmi))
write.csv(do.call(rbind, rows), file.path(out_dir, "pool_vectors.csv"), row.names = FALSE)
writeLines(c(R.version.string, paste("mice", packageVersion("mice"))),
           file.path(out_dir, "versions.txt"))
