# MatchIt reference values for tests/test_estimate_matching.py.
#
# Run once from the repository root, with Debian's r-base-core 4.2.2 and r-cran-matchit 4.5.1:
#   Rscript tests/data/matchit/matchit_vectors.R
# It reads the SIMULATED data written by make_data.py and writes matchit_vectors.json.
# The tests never run R; they read the JSON.
#
# What is recorded (for each case: MatchIt's weights per row, and the ATT as the weighted
# difference in outcome means, which is how MatchIt's documentation estimates the effect
# after matching with lm(y ~ a, weights = weights)):
#   nearest_logit:  method = "nearest", replace = TRUE, ratio = 1, no caliper, with `distance`
#                   the matrix |logit(e_t) - logit(e_c)| of the glm propensity score's logit
#                   (MatchIt's general path: each treated unit gets its nearest control).
#   nearest_logit_fast: the same through distance = "glm", link = "linear.logit", which in
#                   MatchIt 4.5.1 takes its new fast propensity-score path (NEWS 4.5.1); on these
#                   data that path does not give every treated unit its nearest control
#                   (`not_nearest` counts them), so causal is compared with nearest_logit.
#   nearest_caliper: the same with caliper = 0.05 * sqrt((s1^2 + s0^2) / 2) of the logit (narrow, so that it drops some), given
#                   in logit units (std.caliper = FALSE): MatchIt standardises a caliper by the
#                   SD of the distance over all units, causal by the pooled within-arm SD, so
#                   the width is passed explicitly to make the methods coincide.
#   exact_strata:   method = "exact" on g + h (the strata data): every treated unit of a stratum
#                   with all its controls, control weights n1s / n0s rescaled.
#   nearest_ties(_fast): method = "nearest" (logit matrix / fast path, replace = TRUE) on the strata data, where every
#                   score ties within its stratum: records which control MatchIt picks (its
#                   help page does not say how ties are broken) and the resulting ATT.
suppressPackageStartupMessages(library(MatchIt))

here <- "tests/data/matchit"
cont <- read.csv(file.path(here, "continuous.csv"))
strata <- read.csv(file.path(here, "strata.csv"))

att <- function(w, a, y) {
  sum(w * a * y) / sum(w * a) - sum(w * (1 - a) * y) / sum(w * (1 - a))
}
case <- function(m, d) {
  w <- as.numeric(m$weights)
  list(weights = w, att = att(w, d$a, d$y), n_matched_treated = sum(w > 0 & d$a == 1),
       n_distinct_controls = sum(w > 0 & d$a == 0),
       match_matrix = if (!is.null(m$match.matrix)) as.integer(m$match.matrix[, 1]) else NULL)
}

logit_matrix <- function(d, formula) {
  lp <- predict(glm(formula, data = d, family = binomial))
  t <- which(d$a == 1)
  ctl <- which(d$a == 0)
  m <- abs(outer(lp[t], lp[ctl], "-"))
  rownames(m) <- rownames(d)[t]
  colnames(m) <- rownames(d)[ctl]
  list(matrix = m, lp = lp)
}
not_nearest <- function(m, lp, d) {
  mm <- m$match.matrix
  got <- abs(lp[rownames(mm)] - lp[mm[, 1]])
  best <- vapply(rownames(mm), function(i) min(abs(lp[i] - lp[d$a == 0])), numeric(1))
  sum(got - best > 1e-12)
}

out <- list()
lm_c <- logit_matrix(cont, a ~ x + z)
m1 <- matchit(a ~ x + z, data = cont, method = "nearest", distance = lm_c$matrix,
              replace = TRUE, ratio = 1)
out$nearest_logit <- c(case(m1, cont), list(not_nearest = not_nearest(m1, lm_c$lp, cont)))
m1f <- matchit(a ~ x + z, data = cont, method = "nearest", distance = "glm",
               link = "linear.logit", replace = TRUE, ratio = 1)
out$nearest_logit_fast <- c(case(m1f, cont),
                            list(not_nearest = not_nearest(m1f, lm_c$lp, cont)))
lg <- lm_c$lp
width <- 0.05 * sqrt((var(lg[cont$a == 1]) + var(lg[cont$a == 0])) / 2)
m2 <- matchit(a ~ x + z, data = cont, method = "nearest", distance = lm_c$matrix,
              replace = TRUE, ratio = 1, caliper = width, std.caliper = FALSE)
out$nearest_caliper <- c(case(m2, cont), list(width = width, caliper_sd = 0.05))
m3 <- matchit(a ~ g + h, data = strata, method = "exact")
out$exact_strata <- case(m3, strata)
lm_s <- logit_matrix(strata, a ~ g + h)
m4 <- matchit(a ~ g + h, data = strata, method = "nearest", distance = lm_s$matrix,
              replace = TRUE, ratio = 1)
out$nearest_ties <- case(m4, strata)
m4f <- matchit(a ~ g + h, data = strata, method = "nearest", distance = "glm",
               link = "linear.logit", replace = TRUE, ratio = 1)
out$nearest_ties_fast <- case(m4f, strata)
out$source <- paste("MatchIt", as.character(packageVersion("MatchIt")), "under",
                    R.version.string)
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, null = "null"),
           file.path(here, "matchit_vectors.json"))
