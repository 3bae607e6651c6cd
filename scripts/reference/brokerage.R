#!/usr/bin/env Rscript
# Reference values for graph/analysis Brokerage: R's sna::brokerage(g, cl)
# (Gould & Fernandez 1989) on testdata/networks, one CSV per case in
# graph/analysis/testdata/reference/brokerage_<network>_<attr>.csv.
#
# Run from the repository root:  Rscript scripts/reference/brokerage.R
# Needs R's sna and the pinned networkx, which converts GraphML to CSV (R's
# igraph is not installed): scripts/reference/setup --r installs both.
#
# The graph goes to sna as a 0/1 adjacency matrix without loops;
# undirected networks are symmetrised, as sna treats them. Columns:
# key, group, then raw_, exp_, sd_, z_ for each role in sna's order
# w_I w_O b_IO b_OI b_O t (sna's raw.nli, exp.nli, sd.nli, z.nli).
# Numbers are written with 17 significant digits; NaN and Inf are
# written as such (sna divides by a zero standard deviation).
suppressPackageStartupMessages(library(sna))

datasets <- "testdata/networks"
out <- "graph/analysis/testdata/reference"
conv <- "scripts/reference/net2csv.py"
cases <- list(
  c("strike", "group"),
  c("krackhardt_advice", "dept"),
  c("krackhardt_friendship", "dept"),
  c("krackhardt_reportsto", "dept"),
  c("southern_women", "mode")
)

load_case <- function(name, attr) {
  dir <- tempfile("net2csv")
  gml <- file.path(datasets, paste0(name, ".graphml"))
  # R's LD_LIBRARY_PATH can make a non-system python3 load the wrong libpython.
  status <- system2("env", c("-u", "LD_LIBRARY_PATH", "python3", conv, gml, attr, dir))
  if (status != 0) stop("net2csv failed for ", name)
  nodes <- read.csv(file.path(dir, "nodes.csv"), colClasses = "character")
  edges <- read.csv(file.path(dir, "edges.csv"), colClasses = "character")
  directed <- read.csv(file.path(dir, "meta.csv"))$directed[1]
  n <- nrow(nodes)
  a <- matrix(0, n, n)
  s <- match(edges$source, nodes$key)
  t <- match(edges$target, nodes$key)
  a[cbind(s, t)] <- 1
  if (!directed) a[cbind(t, s)] <- 1
  diag(a) <- 0
  list(a = a, nodes = nodes, directed = directed)
}

fmt <- function(x) sprintf("%.17g", x)

for (cs in cases) {
  name <- cs[1]; attr <- cs[2]
  net <- load_case(name, attr)
  b <- brokerage(net$a, net$nodes$group)
  roles <- colnames(b$raw.nli)
  cols <- list(key = net$nodes$key, group = net$nodes$group)
  for (part in c("raw", "exp", "sd", "z")) {
    m <- b[[paste0(part, ".nli")]]
    for (r in roles) cols[[paste0(part, "_", r)]] <- fmt(m[, r])
  }
  df <- as.data.frame(cols, check.names = FALSE, stringsAsFactors = FALSE)
  file <- file.path(out, sprintf("brokerage_%s_%s.csv", name, attr))
  con <- file(file, "w")
  writeLines(sprintf("# sna::brokerage(g, cl) on %s.graphml by %s (%s); sna %s, %s; by scripts/reference/brokerage.R",
                     name, attr, if (net$directed) "directed" else "undirected, symmetrised",
                     packageVersion("sna"), R.version.string), con)
  write.csv(df, con, row.names = FALSE, quote = TRUE)
  close(con)
  cat("wrote", file, "\n")
}
