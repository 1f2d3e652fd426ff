print("barrage")
