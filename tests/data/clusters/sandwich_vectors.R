# Cluster-robust reference values for tests/test_estimate_clusters.py.
#
# Run once from the repository root, with Debian's r-base-core and r-cran-sandwich,
# r-cran-clubsandwich (versions are written into the output):
#   Rscript tests/data/clusters/sandwich_vectors.R
# It reads the SIMULATED data written by make_data.py and writes sandwich_vectors.json.
# The tests never run R; they read the JSON.
#
# Recorded, for the coefficient of `a`, clustered by `therapist`:
#   logit:  glm(y ~ a + x, binomial), converged to epsilon = 1e-14 (the default 1e-8 leaves
#           the coefficients about 1e-8 from the MLE)
#   linear: lm(yc ~ a + x)
#   crude_rd: lm(y ~ a)  (its coefficient is the crude risk difference)
# each with
#   vcovCL(type = "HC1")                 = G/(G-1) (n-1)/(n-p) x CR0 (Stata's CR1)
#   vcovCL(type = "HC0", cadjust = TRUE) = G/(G-1) x CR0
#   clubSandwich vcovCR(type = "CR1S")   (should equal HC1) and "CR1" (should equal HC0+cadjust)
#   clubSandwich vcovCR(type = "CR2")    (linear model only; recorded, not used by causal)
suppressPackageStartupMessages({library(sandwich); library(clubSandwich)})

here <- "tests/data/clusters"
d <- read.csv(file.path(here, "clustered.csv"))

one <- function(fit, cr2 = FALSE) {
  out <- list(
    estimate = unname(coef(fit)["a"]),
    se_hc1 = sqrt(vcovCL(fit, cluster = ~therapist, type = "HC1")["a", "a"]),
    se_hc0_cadjust = sqrt(vcovCL(fit, cluster = ~therapist, type = "HC0",
                                 cadjust = TRUE)["a", "a"]),
    se_cr1s = sqrt(as.matrix(vcovCR(fit, cluster = d$therapist, type = "CR1S"))["a", "a"]),
    se_cr1 = sqrt(as.matrix(vcovCR(fit, cluster = d$therapist, type = "CR1"))["a", "a"]),
    se_naive_hc0 = sqrt(vcovHC(fit, type = "HC0")["a", "a"]))
  if (cr2) out$se_cr2 <- sqrt(as.matrix(vcovCR(fit, cluster = d$therapist, type = "CR2"))["a", "a"])
  out
}

res <- list(
  source = paste0("R ", R.version$major, ".", R.version$minor, "; sandwich ",
                  packageVersion("sandwich"), "; clubSandwich ", packageVersion("clubSandwich"),
                  "; data tests/data/clusters/clustered.csv (SIMULATED, make_data.py)"),
  n = nrow(d), n_clusters = length(unique(d$therapist)),
  logit = one(glm(y ~ a + x, family = binomial, data = d,
                  control = glm.control(epsilon = 1e-14, maxit = 100))),
  linear = one(lm(yc ~ a + x, data = d), cr2 = TRUE),
  crude_rd = one(lm(y ~ a, data = d)))

fmt <- function(x) if (is.list(x)) {
  paste0("{", paste(sprintf('"%s": %s', names(x), vapply(x, fmt, "")), collapse = ", "), "}")
} else if (is.character(x)) sprintf('"%s"', x) else sprintf("%.17g", x)
writeLines(fmt(res), file.path(here, "sandwich_vectors.json"))
