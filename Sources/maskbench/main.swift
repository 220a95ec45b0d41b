print("maskbench")
