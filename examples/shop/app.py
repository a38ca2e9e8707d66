from shop.cart import checkout

print(checkout([1, 2]))
