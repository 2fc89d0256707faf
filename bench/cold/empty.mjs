// An empty Node program: the baseline of ccxt's cold start under Node.
