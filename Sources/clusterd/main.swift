print("clusterd")
