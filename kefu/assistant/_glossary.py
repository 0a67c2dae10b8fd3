"""Chinese names for the catalogue's product types, so "耳机" finds the store's "Headphones".

The tau2 catalogue names its 50 product types in English only; Chinese customers name them
in Chinese, often by a shorter generic word (键盘 for the mechanical keyboard). Each English
type maps to the Chinese words customers use for it; when two entries overlap (智能手表 /
手表) the longest word in the message wins, so the specific type beats the generic one. A
generic word may name several types (耳机: headphones or earbuds); the first listed is the
usual reading, and matching against a customer's own orders settles the rest.
"""

from __future__ import annotations

ZH_PRODUCT_NAMES: dict[str, tuple[str, ...]] = {
    "Action Camera": ("运动相机", "运动摄像机", "相机"),
    "Air Purifier": ("空气净化器", "净化器"),
    "Backpack": ("双肩包", "背包"),
    "Bicycle": ("自行车", "单车"),
    "Bluetooth Speaker": ("蓝牙音箱", "音箱", "音响"),
    "Bookshelf": ("书架", "书柜"),
    "Coffee Maker": ("咖啡机", "咖啡壶"),
    "Cycling Helmet": ("骑行头盔", "自行车头盔", "头盔"),
    "Desk Lamp": ("台灯",),
    "Digital Camera": ("数码相机", "相机"),
    "Dumbbell Set": ("哑铃套装", "哑铃"),
    "E-Reader": ("电子书阅读器", "电子阅读器", "阅读器"),
    "Electric Kettle": ("电热水壶", "电水壶", "烧水壶"),
    "Electric Toothbrush": ("电动牙刷",),
    "Espresso Machine": ("意式咖啡机", "浓缩咖啡机", "咖啡机"),
    "Fleece Jacket": ("抓绒外套", "抓绒衣", "摇粒绒外套"),
    "Gaming Mouse": ("游戏鼠标", "鼠标"),
    "Garden Hose": ("花园水管", "浇水软管", "水管"),
    "Grill": ("烧烤炉", "烤炉", "烤架"),
    "Headphones": ("头戴式耳机", "耳机"),
    "Hiking Boots": ("登山靴", "登山鞋", "徒步鞋"),
    "Indoor Security Camera": ("室内监控摄像头", "监控摄像头", "安防摄像头", "摄像头"),
    "Jigsaw Puzzle": ("拼图",),
    "LED Light Bulb": ("LED灯泡", "led灯泡", "灯泡"),
    "Laptop": ("笔记本电脑", "手提电脑"),
    "Luggage Set": ("行李箱套装", "行李箱", "旅行箱"),
    "Makeup Kit": ("化妆套装", "彩妆套装", "化妆品"),
    "Mechanical Keyboard": ("机械键盘", "键盘"),
    "Notebook": ("笔记本", "本子"),
    "Office Chair": ("办公椅", "椅子"),
    "Patio Umbrella": ("庭院伞", "遮阳伞"),
    "Perfume": ("香水",),
    "Pet Bed": ("宠物床", "狗窝", "猫窝"),
    "Portable Charger": ("充电宝", "移动电源"),
    "Running Shoes": ("跑步鞋", "跑鞋"),
    "Skateboard": ("滑板",),
    "Smart Thermostat": ("智能温控器", "温控器"),
    "Smart Watch": ("智能手表", "手表"),
    "Smartphone": ("智能手机", "手机"),
    "Sneakers": ("运动鞋", "球鞋"),
    "Sunglasses": ("太阳镜", "墨镜"),
    "T-Shirt": ("T恤", "t恤", "短袖"),
    "Tablet": ("平板电脑", "平板"),
    "Tea Kettle": ("茶壶",),
    "Vacuum Cleaner": ("吸尘器",),
    "Wall Clock": ("挂钟",),
    "Water Bottle": ("运动水壶", "水瓶", "水杯"),
    "Wireless Earbuds": ("无线耳机", "蓝牙耳机", "耳塞", "耳机"),
    "Wristwatch": ("手表", "腕表"),
    "Yoga Mat": ("瑜伽垫",),
}

_WORDS: list[tuple[str, str]] = [
    (zh, en)
    for _, _, zh, en in sorted(
        (-len(zh), i, zh, en)
        for en, names in ZH_PRODUCT_NAMES.items()
        for i, zh in enumerate(names)
    )
]
"""(word, type), longest words first; a shared word lists first the type it is most usual for."""


def english_names(text: str) -> list[str]:
    """English product-type names the Chinese words in ``text`` refer to, in mention order.

    Longest words are taken first and a shorter word inside a taken span is ignored, so
    "智能手表" gives Smart Watch only, not also Wristwatch.
    """
    taken: list[tuple[int, int, int, str]] = []
    for rank, (word, english) in enumerate(_WORDS):
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            # a word shared by several types keeps its span for each of them
            if all(end <= s or start >= e or (s, e) == (start, end) for s, e, _, _ in taken):
                taken.append((start, end, rank, english))
            start = text.find(word, end)
    names: list[str] = []
    for _, _, _, english in sorted(taken):
        if english not in names:
            names.append(english)
    return names


def chinese_name(english: str) -> str | None:
    """The usual Chinese name of a product type (its first glossary word), if known."""
    names = ZH_PRODUCT_NAMES.get(english)
    return names[0] if names else None
