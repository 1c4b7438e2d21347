module cronoracle

go 1.19
