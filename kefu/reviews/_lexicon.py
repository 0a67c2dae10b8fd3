"""Opinion words, negators and intensifiers for zh and en.

Small, hand-written lists: they back the rule-based aspect polarity and the no-model
fallback of :func:`kefu.reviews.sentiment.analyze_sentiment`.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


POSITIVE_ZH: frozenset[str] = _words(
    """好 很好 不错 满意 喜欢 推荐 值得 划算 实惠 便宜 快 很快 迅速 及时 结实 耐用 舒服 舒适
    合身 合适 正品 精美 漂亮 好看 完好 严实 完整 专业 耐心 热情 周到 贴心 给力 棒 赞 优秀 完美
    清晰 好用 流畅 超值 物美价廉 性价比高 惊喜 放心 满分 好评 精致 细致 靠谱 牢固 扎实 柔软
    顺滑 省心 及时 负责 友好 礼貌 高效 不贵 正合适 刚好 稳 值 nice 点赞 五星 好吃 新鲜 香
    准时 标准 高档 用心 合理 杠杠 没得说 马上 当天 提前 新 正 准 解决 好评 值得信赖"""
)

NEGATIVE_ZH: frozenset[str] = _words(
    """差 很差 太差 糟糕 失望 后悔 垃圾 坑 慢 太慢 很慢 贵 太贵 偏贵 破 破损 坏 坏了 烂 漏 掉色
    起球 开线 脱线 异味 臭 难闻 假 假货 仿 仿品 山寨 不值 劣质 粗糙 瑕疵 划痕 变形 压扁 压坏 挤压
    敷衍 态度差 不理 不回 推脱 冷漠 无语 退货 退款 投诉 偏大 偏小 太大 太小 不合身 紧 松 短 长
    卡 卡顿 发热 死机 故障 问题 一般 差评 不好 不行 弄丢 丢件 延误 晚到 拖 错发 漏发 少发 缺件
    磨脚 夹脚 掉漆 生锈 断 裂 碎 凹 脏 旧 二手 翻新 不满 气人 恶心 生气 愤怒 骗子 骗人 欺骗
    不靠谱 不灵 没用 凑合 过分 离谱 差劲 火大 恼火 受不了
    退 黑心 没收到 没到 不发货 没回复 不回复 不处理 没反应
    简陋 恶劣 湿 麻烦 没解决 不更新 推来推去 摔 少 等了 才 摔坏 开封"""
)

POSITIVE_EN: frozenset[str] = _words(
    """good great excellent amazing awesome love loved loves like liked perfect nice happy
    fast quick quickly prompt sturdy durable comfortable comfy fits genuine authentic beautiful
    pretty gorgeous intact secure helpful friendly polite responsive patient professional
    recommend recommended worth bargain affordable reasonable best fantastic wonderful
    delicious tasty fresh satisfied pleased impressed solid reliable smooth soft well
    accurate fair kind premium solved quickly early promptly patiently
    superb outstanding brilliant favorite favourite yummy excellent flawless lovely"""
)

NEGATIVE_EN: frozenset[str] = _words(
    """bad poor terrible awful horrible worst hate hated disappointed disappointing
    disappointment broken broke damaged crushed dented torn ripped leaking leaked defective
    faulty fake counterfeit knockoff replica cheaply flimsy slow late delayed lost missing
    expensive overpriced pricey rude unhelpful ignored useless waste refund return returned
    tight loose small big large short long smelly stale rotten scratched cracked dirty
    used wrong complaint complain mediocre meh awful garbage junk unacceptable annoying
    apart dies died stopped wasteful doubt waiting delayed ages weeks
    fell falling cheap angry upset furious frustrated ridiculous scam
    unresponsive bland tasteless gross nasty sticky soggy awful"""
)

NEGATORS_ZH: tuple[str, ...] = (
    "不是很",
    "不太",
    "不怎么",
    "一点也不",
    "毫不",
    "并不",
    "没有",
    "没",
    "不",
    "别",
    "无",
    "未",
)
NEGATORS_EN: frozenset[str] = _words(
    "not no never none nothing hardly barely neither nor cannot can't don't doesn't didn't "
    "isn't wasn't aren't weren't won't wouldn't couldn't shouldn't without nt"
)

NOT_OPINION_ZH: tuple[str, ...] = (
    "快递",
    "好像",
    "好几",
    "差不多",
    "差价",
    "长度",
    "长短",
    "大小",
    "只好",
    "一般来说",
    "不好意思",
    "退换",
    "退货流程",
    "好久",
)
"""Words that contain an opinion character without being an opinion (快 in 快递)."""

EXPECTED_EVENTS_EN: frozenset[str] = _words(
    "replied reply responded respond answered answer arrived arrive worked work works helped help "
    "fit fits came showed delivered refunded resolved fixed"
)
"""Neutral alone, negative when negated ("never arrived", "didn't work")."""

CONTRAST_ZH: tuple[str, ...] = ("但是", "可是", "不过", "然而", "但", "却", "就是")
CONTRAST_EN: frozenset[str] = frozenset({"but", "however", "though", "although", "yet", "except"})

ANGER_EN: tuple[str, ...] = (
    "angry",
    "furious",
    "livid",
    "outraged",
    "pissed",
    "frustrated",
    "frustrating",
    "fed up",
    "sick of",
    "tired of",
    "had enough",
    "unacceptable",
    "ridiculous",
    "outrageous",
    "disgusting",
    "disgraceful",
    "pathetic",
    "what a joke",
    "a joke",
    "worst",
    "scam",
    "rip off",
    "ripoff",
    "ripped off",
    "never again",
    "fuming",
    "annoyed",
    "enraged",
    "terrible service",
    "horrible service",
    "useless",
    "incompetent",
)
"""Stated anger or exasperation: in a short chat message these decide the polarity outright."""

ANGER_ZH: tuple[str, ...] = (
    "太过分",
    "过分",
    "气死",
    "生气",
    "愤怒",
    "火大",
    "恼火",
    "受不了",
    "忍无可忍",
    "岂有此理",
    "不像话",
    "什么服务",
    "什么态度",
    "什么破",
    "垃圾",
    "骗子",
    "坑人",
    "太坑",
    "无语",
    "离谱",
    "恶心",
    "投诉",
    "再也不",
    "差劲",
    "欺人太甚",
    "烦死",
    "郁闷",
    "不能接受",
    "无法接受",
    "没法接受",
)
"""Chinese counterparts of :data:`ANGER_EN` (whole expressions, matched as substrings)."""

INTENSIFIERS_EN: frozenset[str] = _words(
    "very so really extremely absolutely totally completely utterly beyond incredibly"
)
INTENSIFIERS_ZH: tuple[str, ...] = (
    "太",
    "非常",
    "特别",
    "十分",
    "真是",
    "真的",
    "简直",
    "很",
    "超",
)

# --- whole-review cues (issue #18) ---------------------------------------------------------

EMOJI_POSITIVE: tuple[str, ...] = tuple("😍🥰❤👍😋👌😊🥳💯😄😁🤩💕🌟✨🙌😘")
EMOJI_NEGATIVE: tuple[str, ...] = tuple("😡👎😤😠🤮💔😞😭😒🤬😣😫💩")
SARCASM_EMOJI: tuple[str, ...] = ("🙄", "😅🙂", "🙃")

SARCASM_ZH: tuple[str, ...] = ("呵呵", "我信你个鬼", "真是谢谢了", "谢谢了您", "服了", "好一个")
SARCASM_EN: tuple[str, ...] = ("my foot", "yeah, right", "yeah right", "thanks a lot", "oh great")

NEUTRAL_CUES_ZH: tuple[str, ...] = (
    "还没用",
    "还没安装",
    "还没拆",
    "用了再",
    "再来评价",
    "再评价",
    "默认好评",
    "没有填写",
    "一般般",
    "普普通通",
    "中规中矩",
    "没什么特别",
    "说不上好",
    "扯平",
    "一半一半",
    "有好有坏",
    "看个人",
    "还在考虑",
    "还不知道",
    "也就那样",
    "凑合",
)
NEUTRAL_CUES_EN: tuple[str, ...] = (
    "haven't used",
    "haven't tried",
    "haven't installed",
    "not used it yet",
    "will update",
    "nothing special",
    "ordinary",
    "average",
    "neither good nor bad",
    "evens out",
    "up to you",
    "depends what",
    "still deciding",
    "it's okay",
    "it's alright",
    "i guess",
    "some good, some bad",
    "nothing to report",
    "meh",
)

QUESTION_ZH: tuple[str, ...] = (
    "吗",
    "请问",
    "什么时候",
    "多久",
    "几天",
    "多大码",
    "什么码",
    "怎么",
    "能不能",
    "有没有",
    "是否",
)
QUESTION_EN: tuple[str, ...] = (
    "when will",
    "which ",
    "does this",
    "do you",
    "can i",
    "can you",
    "is this",
    "is it",
    "how long",
    "how do",
    "what's the",
    "has my",
)

MORE_POSITIVE_EN: frozenset[str] = _words(
    """fragrant fluffy warm cozy practical handy sharp crisp vibrant elegant stylish sleek
    noticeable effective efficient powerful quiet spacious roomy thrilled glad delighted
    enjoy enjoyed enjoying adore adores adorable cute charm thoughtful carefully sturdier
    exceeded exceeds flattering silky juicy rich gentle lasts lifesaver easy
    spotless bright clear accurate wonderfully nicely gorgeous recommend"""
)
MORE_NEGATIVE_EN: frozenset[str] = _words(
    """reeks stinks stink smells headache headaches dead peeled peeling shrank shrunk noisy
    bleeds bleed faded fades stuck dumb overheats overheat jams jammed leaks rattling
    flickering flickers snapped snaps cracked shattered soaked moldy warped dull stale
    rash pinch blisters wobbles wobbly freezes freezing crashes lag laggy drains dies
    unusable letdown excuses stall rattles fraying frayed split splits scam ripoff regret
    returning shame unfortunately rotten tough flaw flawed patchy sticks dropping"""
)
MORE_POSITIVE_ZH: frozenset[str] = _words(
    """蓬松 暖和 实用 方便 轻便 显高 显瘦 垂感 清香 香甜 好闻 滑 亮 惊艳 喜爱 爱了 回购 神速 流畅
    没话说 没的说 没的挑 无可挑剔 厚实 细腻 顺手 安心 耐洗 保暖 透气
    清爽 鲜 甜 嫩 软糯 上档次 大气 值得购买 超出预期"""
)
MORE_NEGATIVE_ZH: frozenset[str] = _words(
    """缩水 掉得很快 发烫 烫手 没动静 拉黑 鸡肋 按不下去 可惜 硌 坏点 异响 杂音 开胶 褪色 串色
    塌 漏水 夹生 咸 柴 腥 霉 发霉 过期 虚标 廉价 地摊 不对板 色差 虚假 失灵 没反应 没声音"""
)
