# Regenerates tests/data/konfound_rir.json: runs konfound's own R functions on the cases below.
# konfound is not installable here (no CRAN), so its R/ folder is sourced from a checkout of
# github.com/konfound-project/konfound (commit recorded in the JSON). konfound builds its printed
# text and figures even for raw output; this script installs, in a temporary library, stand-in
# packages `crayon` (identity functions) and `ggplot2` (functions returning NULL) unless the real
# ones are installed. They change no number.
#
#   Rscript tests/data/konfound_rir.R /path/to/konfound/R COMMIT > tests/data/konfound_rir.json
args <- commandArgs(trailingOnly = TRUE)
stand_in <- function(name, functions) {
  if (requireNamespace(name, quietly = TRUE)) return(invisible())
  src <- file.path(tempdir(), name)
  dir.create(file.path(src, "R"), recursive = TRUE, showWarnings = FALSE)
  writeLines(c(paste("Package:", name), "Version: 0.0.0", "Title: Stand-in",
               "Description: Stand-in without output.", "License: MIT",
               "Author: tests", "Maintainer: tests <none@example.org>"),
             file.path(src, "DESCRIPTION"))
  writeLines(paste0("export(", functions, ")"), file.path(src, "NAMESPACE"))
  body <- if (name == "crayon") "function(...) paste0(...)" else "function(...) NULL"
  writeLines(paste(functions, "<-", body), file.path(src, "R", "stand_in.R"))
  lib <- file.path(tempdir(), "lib")
  dir.create(lib, showWarnings = FALSE)
  install.packages(src, repos = NULL, type = "source", lib = lib, quiet = TRUE)
  .libPaths(c(lib, .libPaths()))
}
stand_in("crayon", c("bold", "underline", "italic"))
ggplot_calls <- c("aes", "aes_string", "annotate", "arrow", "coord_cartesian", "element_blank",
                  "element_line", "element_rect", "element_text", "facet_grid", "geom_abline",
                  "geom_col", "geom_curve", "geom_histogram", "geom_hline", "geom_label",
                  "geom_line", "geom_point", "geom_rect", "geom_rug", "geom_segment",
                  "geom_smooth", "geom_text", "geom_vline", "ggplot", "ggtitle",
                  "guide_colorbar", "guide_legend", "guides", "labs", "margin",
                  "scale_color_gradient", "scale_color_manual", "scale_fill_manual",
                  "scale_shape_manual", "scale_size_continuous", "scale_x_continuous",
                  "scale_y_continuous", "sec_axis", "theme", "theme_bw", "theme_minimal",
                  "theme_void", "unit", "xlab", "xlim", "ylab", "ylim")
stand_in("ggplot2", ggplot_calls)
for (f in list.files(args[[1]], full.names = TRUE, pattern = "[.]R$")) source(f)
plot_correlation <- function(...) NULL
plot_threshold <- function(...) NULL
# the logistic branch also calls ggplot2 functions unqualified (konfound imports them)
for (fn in ggplot_calls)
  assign(fn, tryCatch(getExportedValue("ggplot2", fn), error = function(e) function(...) NULL))
options(digits = 12)

num <- function(x) {
  if (is.null(x) || length(x) == 0 || is.na(x)) return("null")
  if (is.logical(x)) return(tolower(as.character(x)))
  if (is.character(x)) return(paste0('"', x, '"'))
  trimws(formatC(x, digits = 15, format = "g"))
}
entry <- function(id, call, inputs, out, keep) {
  out <- out[intersect(keep, names(out))]
  vals <- vapply(names(out), function(k) {
    v <- out[[k]]
    if (is.matrix(v)) v <- as.vector(t(v))  # row by row: control fail, control success, treated fail, treated success
    paste0('"', k, '": ', if (length(v) > 1) paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]") else num(v))
  }, "")
  ins <- paste(vapply(names(inputs), function(k) paste0('"', k, '": ', num(inputs[[k]])), ""), collapse = ", ")
  sprintf('  {"id": "%s", "call": "%s", "inputs": {%s}, "output": {%s}}', id, call, ins, paste(vals, collapse = ", "))
}
quiet <- function(expr) suppressWarnings(suppressMessages(expr))
cases <- character()
linear_keep <- c("obs_r", "critical_r", "r_final", "rxcv", "rycv", "rxcvGz", "rycvGz", "itcvGz", "itcv",
                 "r2xz", "r2yz", "beta_threshold", "perc_bias_to_change", "RIR_primary")
lin <- list(
  pos_sig = list(est_eff = 2, std_err = 0.4, n_obs = 100, n_covariates = 3),
  pos_nonsig = list(est_eff = 0.01, std_err = 0.4, n_obs = 100, n_covariates = 3),
  neg_sig = list(est_eff = -2, std_err = 0.4, n_obs = 100, n_covariates = 3),
  neg_nonsig = list(est_eff = -0.3, std_err = 0.4, n_obs = 100, n_covariates = 3),
  pos_sig_one_tail = list(est_eff = 0.7, std_err = 0.4, n_obs = 100, n_covariates = 3, tails = 1),
  pos_nonsig_one_tail = list(est_eff = 0.5, std_err = 0.4, n_obs = 100, n_covariates = 3, tails = 1),
  neg_sig_alpha_01 = list(est_eff = -1.2, std_err = 0.4, n_obs = 100, n_covariates = 3, alpha = 0.01),
  uncond_pos_sig = list(est_eff = 2, std_err = 0.4, n_obs = 100, n_covariates = 3, sdx = 1, sdy = 2, R2 = 0.3),
  uncond_pos_nonsig = list(est_eff = 0.3, std_err = 0.4, n_obs = 100, n_covariates = 3, sdx = 1, sdy = 2, R2 = 0.3),
  uncond_neg_sig = list(est_eff = -2, std_err = 0.4, n_obs = 100, n_covariates = 3, sdx = 1, sdy = 2, R2 = 0.3),
  uncond_neg_nonsig = list(est_eff = -0.3, std_err = 0.4, n_obs = 100, n_covariates = 3, sdx = 1, sdy = 2, R2 = 0.3),
  no_covariates_nonsig = list(est_eff = 0.3, std_err = 0.4, n_obs = 100, n_covariates = 0)
)
for (id in names(lin)) {
  a <- lin[[id]]
  out <- quiet(do.call(pkonfound, c(a, list(index = "IT", to_return = "raw_output"))))
  cases <- c(cases, entry(paste0("itcv_", id), "pkonfound(..., index = 'IT', to_return = 'raw_output')", a, out, linear_keep))
}
ci <- list(
  ci_sig = list(lower_bound = 1, upper_bound = 3, n_obs = 100, n_covariates = 3),
  ci_nonsig = list(lower_bound = -0.1, upper_bound = 0.9, n_obs = 100, n_covariates = 3),
  ci_test_file = list(lower_bound = 1, upper_bound = 2, n_obs = 200, n_covariates = 3)
)
for (id in names(ci)) {
  a <- ci[[id]]
  out <- quiet(do.call(pkonfound, c(a, list(index = "IT", to_return = "raw_output"))))
  cases <- c(cases, entry(id, "pkonfound(lower_bound = , upper_bound = , ..., index = 'IT', to_return = 'raw_output')", a, out, linear_keep))
}
logistic_keep <- c("RIR_primary", "fragility_primary", "starting_table", "final_table", "analysis_SE",
                   "needtworows", "p_start", "p_final", "est_eff_final", "std_err_final", "invalidate_ob")
lg <- list(
  doc_example = list(est_eff = -0.2, std_err = 0.103, n_obs = 20888, n_covariates = 3, n_treat = 17888),
  test_file_sig = list(est_eff = 0.273, std_err = 0.024, n_obs = 16999, n_covariates = 3, n_treat = 16000),
  test_file_nonsig = list(est_eff = 0.027, std_err = 0.024, n_obs = 16999, n_covariates = 3, n_treat = 16000),
  test_file_entire = list(est_eff = 0.027, std_err = 0.024, n_obs = 16999, n_covariates = 3, n_treat = 16000, replace = "entire"),
  small_sig = list(est_eff = 0.932, std_err = 0.334, n_obs = 302, n_covariates = 7, n_treat = 66),
  small_sig_entire = list(est_eff = 0.932, std_err = 0.334, n_obs = 302, n_covariates = 7, n_treat = 66, replace = "entire"),
  neg_sig = list(est_eff = -0.6, std_err = 0.2, n_obs = 600, n_covariates = 2, n_treat = 250),
  se_below_minimum = list(est_eff = 0.5, std_err = 0.1, n_obs = 400, n_covariates = 2, n_treat = 100)
)
for (id in names(lg)) {
  a <- lg[[id]]
  out <- quiet(do.call(pkonfound, c(a, list(model_type = "logistic", to_return = "raw_output"))))
  cases <- c(cases, entry(paste0("logistic_", id), "pkonfound(..., model_type = 'logistic', to_return = 'raw_output')", a, out, logistic_keep))
}
table_keep <- c("RIR_primary", "fragility_primary", "needtworows", "p_start", "p_final")
tb <- list(
  doc_example = list(a = 35, b = 17, c = 17, d = 38),
  test_file_nonsig = list(a = 18, b = 12, c = 12, d = 17),
  test_file_null = list(a = 5, b = 17, c = 17, d = 10),
  nonsig_positive = list(a = 41, b = 9, c = 40, d = 10),
  nonsig_positive_entire = list(a = 41, b = 9, c = 40, d = 10, replace = "entire"),
  nonsig_negative = list(a = 39, b = 11, c = 44, d = 6),
  thew_counts = list(a = 172, b = 64, c = 35, d = 31)
)
for (id in names(tb)) {
  a <- tb[[id]]
  out <- quiet(do.call(pkonfound, c(a, list(to_return = "raw_output"))))
  cases <- c(cases, entry(paste0("table_", id), "pkonfound(a = , b = , c = , d = , to_return = 'raw_output')", a, out, table_keep))
}
cat('{\n"source": "konfound-project/konfound commit ', args[[2]], ' (DESCRIPTION version 1.0.4, in development), R/ sourced under ', R.version.string, '",\n"cases": [\n', paste(cases, collapse = ",\n"), '\n]}\n', sep = "")
