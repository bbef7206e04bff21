# A package, so these modules cannot clash with same-named test modules elsewhere under e2e/.
