"""The patterns of instructions aimed at the assistant, Korean and English (plus a few Chinese/Japanese).

Each rule says which texts it applies to: a ``question`` (what a citizen or a staff member typed), a
``document`` (a retrieved passage) or an ``output`` (what the model wrote). Patterns run on the views of
:mod:`mokmin.guard.injection_views` (case-folded, so write them in lower case) unless ``raw`` is set, in which
case they see the text with its case and line breaks. Precision first: words that civil-service questions
and official documents use innocently (무시, 역할, 규칙, 시스템, 지시, 안내, 내부) only count together with the
words that turn them into an instruction to the assistant; bench/bench_injection.py measures both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Q, D, O = "question", "document", "output"
ALL = frozenset({Q, D, O})

W = r"[^.!?\n]"  # a character inside the same sentence
QUOTE = r"['\"‘’“”「」『』]"
P = r"\S{0,4}"  # particles glued to a noun: 을, 를, 은, 는, 이, 가, 의, 사항을 …

# --- building blocks ---------------------------------------------------------------------------------------
KO_PREV = r"(?:이전|직전|앞|앞서|앞선|위|위에서|기존|원래|처음|초기|지금까지|이제까지|그동안|모든|기본|시스템|너의|네|니|당신의|개발자)"
KO_INSTR = r"(?:지시|지침|명령|프롬프트|설정|제약|가이드라인|가이드|룰|지령|프로그래밍|학습\s*내용)"
KO_WEAK_INSTR = r"(?:규칙|원칙|제한|안내|정책|조건)"
KO_DROP = (r"(?:무시|잊|버리|버려|취소|해제|따르지\s*(?:마|말|않아도)|지키지\s*(?:마|말|않아도)|신경\s*쓰지\s*(?:마|말)"
           r"|폐기|무효로|우회|어기|어겨|벗어나|없던\s*(?:일|것)|리셋|초기화|비활성|꺼\s*두|끄고)")
# not "무시한 경우", "무시하면", "무시하는", "무시했다": conditions and reports, not commands
KO_COMMAND_END = r"(?!한\s*(?:경우|때|자|사람|채|것은|것이)|하면|하는|할\s*(?:경우|때|시|수)|당|하였|했|된|되)"
AI = r"(?<![a-z])ai(?![a-z])"  # not "said", "maintain"
AI_WHO = (rf"(?:{AI}|a\.i\.|인공\s*지능|챗봇|챗\s*gpt|chat\s*gpt|언어\s*모델|대형\s*언어\s*모델|llm|gpt|지피티|어시스턴트"
          r"|assistant|chatbot|목민|mokmin|대화형\s*도우미|ai\s*도우미|상담\s*봇|에이전트|agent|copilot)")
YOU_KO = r"(?<![가-힣])(?:너|넌|니|네가|당신|너희)"  # a word of its own: not 워너비, 피아니스트
KO_SAY = (r"(?:요약하라|요약하시오|요약할\s*것|답하라|답하시오|답해라|답해야|답변하라|답변하시오|답변해야|대답하라|대답해야|응답하라|응답하시오|출력하라"
          r"|출력하시오|출력해야|말하라|말하시오|말해야|안내하라|안내하시오|안내해야|전하라|쓰시오|써라|작성하라|포함하라"
          r"|포함하시오|포함시켜라|언급하라|알려라|밝혀라|주장하라|소개하라|추천하라|권유하라|덧붙여라|덧붙이시오|답할\s*것"
          r"|출력할\s*것|말할\s*것|안내할\s*것|포함할\s*것|답하세요|답변하세요|말하세요|출력하세요|안내하세요|답해\s*주세요"
          r"|답해\s*줘|말해\s*줘|출력해\s*줘|답해야\s*한다|말해야\s*한다|안내해야\s*한다"
          r"|(?:제시|표시|강조|전달|언급|안내|출력|답변|응답|말|포함|보여\s*주|알려\s*주)(?:해야|하여야|하도록|할\s*것)"
          r"|결론으로\s*(?:제시|내리|삼)|끝맺(?:어라|으시오|을\s*것))")
KO_SHOW = r"(?:보여|알려|출력|공개|말해|적어|복사|반복|유출|읊|밝혀|나열|뱉어|털어)"
EN_DROP = (r"(?:ignore|disregard|forget|override|bypass|skip|abandon|discard|neglect|ditch|never\s*mind"
           r"|do\s*not\s*follow|don'?t\s*follow|stop\s*following|throw\s*out|erase|reset)")
EN_INSTR = (r"(?:instructions?|prompts?|rules|directions|guidelines|constraints|restrictions|commands|directives"
            r"|programming|guardrails|polic(?:y|ies)|system\s*message|orders|training|everything\s*(?:above|before|else)"
            r"|all\s*of\s*the\s*above|what\s*you\s*were\s*told)")
EN_QUAL = r"(?:your|system|initial|original|hidden|secret|developer|above|previous|prior|preceding|earlier|first)"
EN_SHOW = (r"(?:reveal|show|print|display|repeat|output|dump|leak|tell\s*me|give\s*me|write\s*out|recite|spell\s*out"
           r"|share|list|copy|paste|echo|what\s*(?:is|are|was|were))")
AI_MODES = (r"(?:개발자|디버그|debug|developer|탈옥|jailbreak|jailbroken|dan|god|갓|무제한|무검열|필터\s*없는|제한\s*없는|해방|악마"
            r"|evil|unrestricted|unfiltered|uncensored|sudo)")
ADMIN_MODES = r"(?:관리자|admin|root|루트|슈퍼\s*유저|superuser|운영자|마스터|master)"
STAFF_WORDS = (r"(?:직원용|직원\s*전용|내부용|내부\s*(?:문서|자료|보고서|검토\s*(?:문서|자료|보고서)?|결재\s*문서|파일|메모)"
               r"|대외비|기밀\s*(?:문서|자료)|비밀\s*(?:문서|자료)|staff\s*-?\s*only|internal\s*(?:only|documents?|files?|memos?)"
               r"|confidential|restricted\s*documents?)")
STAFF_CLAIM = (r"(?:직원|공무원|주무관|담당자|관리자|시청\s*직원|팀장|과장|admin|administrator|staff|employee|developer|개발자"
               r"|운영자)")
KO_TIME = r"(?:이전|직전|앞|앞선|방금|바로\s*전|바로\s*앞|먼저|마지막|아까|조금\s*전|지난번|저번)"
KO_OTHER = r"(?:사용자|이용자|민원인|사람|시민|질문자|유저|손님|상담자|분|대화|세션|채팅|이용객|접속자)"
KO_PRIVATE = (r"(?:질문|물어|물은|물었|물어본|대화|기록|채팅|검색|입력|문의|개인\s*정보|전화|연락처|주소|이름|성함|내용|답변|상담|말한"
              r"|한\s*말|쓴|주민\s*(?:등록\s*)?번호|메시지)")


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    where: frozenset[str] = ALL
    raw: bool = False  # match the text with case and line breaks kept (not the folded views)


def _r(kind: str, pattern: str, where=ALL, raw: bool = False, flags: int = 0) -> Rule:
    return Rule(kind, re.compile(pattern, flags), frozenset(where), raw)


RULES: tuple[Rule, ...] = (
    # --- override: make the assistant drop its instructions ------------------------------------------------
    _r("override", rf"{KO_PREV}{W}{{0,12}}?{KO_INSTR}{P}{W}{{0,14}}?{KO_DROP}{KO_COMMAND_END}"),
    _r("override", rf"(?:이전|지금까지|이제까지|위의\s*모든|앞의\s*모든|{YOU_KO}\S{{0,2}}){W}{{0,8}}?{KO_WEAK_INSTR}{P}"
                   rf"{W}{{0,10}}?{KO_DROP}{KO_COMMAND_END}"),
    _r("override", rf"(?:지금부터|이제부터|앞으로는?)\s*(?:다음|아래|내|새로운?|새)\S{{0,2}}\s*(?:지시|명령|지침|규칙){P}"
                   rf"\s*(?:만\s*)?(?:따르|따라|수행|적용|지켜)"),
    _r("override", r"(?:새로운?|새|진짜|실제|최신|업데이트된|수정된)\s*(?:시스템\s*)?(?:지시|명령|지침|지시\s*사항|프롬프트)\s*:"),
    _r("override", rf"{EN_DROP}\W+(?:\w+\W+){{0,4}}?{EN_INSTR}"),
    _r("override", rf"(?:ignore|disregard|forget|override|bypass)\W*(?:(?:all|any|every|of|the|your|my|these|those|previous"
                   r"|prior|above|earlier|preceding|former|initial|original|existing|system|safety|old|current|given|and"
                   rf"|that|you|were|was|told|have|been)\W*){{1,6}}{EN_INSTR}"),
    _r("override", r"(?:new|updated|real|actual|revised|additional)\s*(?:system\s*)?(?:instructions?|prompt|rules|directives)"
                   r"\s*:"),
    _r("override", r"(?:system|admin|developer|operator)\s*(?:override|notice|update|command|instruction)s?\s*:"),
    _r("override", r"end\s*of\s*(?:the\s*)?(?:system\s*prompt|instructions|document|context|user\s*input)\W{0,8}"
                   r"(?:new|begin|start|now)"),
    _r("override", r"(?:忽略|无视|無視|忘记|忘記|忘掉)[^。]{0,12}?(?:指令|指示|规则|規則|提示|命令)"),
    _r("override", r"(?:以前|前|上記|これまで|全て|すべて)の?(?:指示|命令|ルール|プロンプト)[^。]{0,8}?(?:無視|忘れ)"),
    _r("override", rf"(?:받은|주어진|들은|입력된|설정된)\s*(?:안내문|지시|지침|설정|규칙|명령|프롬프트){P}\s*{W}{{0,6}}?{KO_DROP}"
                   rf"{KO_COMMAND_END}"),
    _r("override", r"(?:이|이번|본|아래|다음)\s*(?:문장|지시|안내|내용|명령|메시지)\S{0,2}\s*(?:이|가|은|는)?\s*(?:이전의?\s*|기존의?\s*)?"
                   r"(?:모든\s*)?(?:다른\s*)?(?:지시|명령|규칙|지침|설정)\S{0,3}\s*(?:보다|에\s*우선|을\s*대체|을\s*덮어)"),
    _r("override", rf"(?:이전|기존|앞선)\S{{0,2}}\s*(?:모든\s*)?(?:지시|명령|규칙|지침)\S{{0,2}}\s*보다\s*{W}{{0,12}}?우선"),
    _r("override", rf"(?:안전|보안)\s*(?:규칙|장치|필터|설정|제한){W}{{0,25}}?(?:꺼|끄|해제|풀어|무시|비활성)"),
    _r("override", rf"{QUOTE}{W}{{2,60}}?{QUOTE}\s*(?:이?라고|고)\s*(?:만\s*)?(?:해|말해|답해|대답해|써|적어|출력해|외쳐|발표해"
                   r"|공지해|선언해)\s*(?:줘|주세요|봐|보세요|라|줄래)?(?![가-힣])", {Q}),
    _r("override", r"(?:ignorez|oubliez|ignoriere|vergiss|ignora|olvida|ignorar)\W+(?:\w+\W+){0,3}?(?:instructions|consignes"
                   r"|anweisungen|regeln|instrucciones|reglas|istruzioni)"),
    _r("override", r"(?:forget|ignore|disregard)\s*(?:what|everything|anything|all)\s*(?:that\s*)?(?:they|you|we|i|someone"
                   r"|the\s*\w+)?\s*(?:were\s*|have\s*been\s*)?(?:told|said|gave|instructed|taught)"),
    # --- prompt-leak: get the hidden instructions out ------------------------------------------------------
    _r("prompt-leak", r"(?:비밀|숨겨진|숨은)\s*(?:지시문|지시|명령|프롬프트|설정|규칙)|prompts?\s*(?:systeme|del\s*sistema)"
                      rf"|(?:{YOU_KO}|너의|네|니|당신의)\s*(?:첫|처음|맨\s*앞)\S{{0,2}}\s*(?:문단|문장|메시지|부분|줄|단락)"
                      r"|(?:자기|자신|본인)\S{0,2}\s*받은\s*(?:지시|명령|규칙|설정|프롬프트)", {Q, D}),
    _r("prompt-leak", r"(?:처음|맨\s*처음|최초|사전에?|미리)\S{0,2}\s*(?:입력된|주어진|설정된|받은|들어간|넣은)\s*(?:명령|지시|설정|규칙"
                      r"|프롬프트|문장|텍스트|명령문|지시문|메시지)", {Q, D}),
    _r("prompt-leak", rf"(?:{YOU_KO}|너한테|너에게|네게){W}{{0,20}}?(?:설정|지시|입력|세팅|프로그래밍|학습)\S{{0,4}}\s*{W}{{0,12}}?"
                      r"(?:보여|알려|뭐라고|무엇|무슨|그대로|출력)", {Q}),
    _r("prompt-leak", r"시스템\s*(?:지시문|지시\s*사항|지침\s*전문|메시지\s*전문)|system\s*(?:instructions|message\s*text)",
       {Q, D}),
    _r("prompt-leak", r"(?:instructions?|rules?|prompt|guidelines?|directives?|configuration)\s*(?:that\s*)?you\s*(?:received"
                      r"|were\s*given|got|have\s*been\s*given|follow|are\s*following|were\s*told|operate\s*under)", {Q, D}),
    _r("prompt-leak", r"(?:시스템|초기|숨겨진|히든|원래|최초|처음|내부|개발자|비밀)\s*(?:프롬프트|prompt)", {Q, D}),
    _r("prompt-leak", rf"(?:너의|네|니|당신의|너희)\s*(?:프롬프트|prompt)|(?:{AI}|챗봇|모델|목민)\s*(?:의|에게\s*(?:준|주어진|입력된)"
                      r"|가\s*받은|이\s*받은)\s*(?:프롬프트|prompt)", {Q, D}),
    _r("prompt-leak", rf"프롬프트\S{{0,3}}\s*(?:전체|전문|원문|내용)?\S{{0,2}}\s*(?:를|을)?\s*(?:그대로\s*|전부\s*|모두\s*)?{KO_SHOW}",
       {Q, D}),
    _r("prompt-leak", rf"(?:{YOU_KO}|{AI}|챗봇|모델|목민)\S{{0,3}}\s*(?:가|이|에게|한테)?\s*(?:받은|주어진|들은|설정된|입력된|가진"
                      rf"|가지고\s*있는|따르는|처음\s*받은)\s*(?:지시|지침|명령|규칙|설정|프롬프트|초기\s*설정|가이드|원칙|조건)",
       {Q, D}),
    _r("prompt-leak", rf"(?:너의|네|니|당신의|너희)\s*(?:지시|지침|규칙|설정|프롬프트|시스템|명령|가이드라인|원칙|초기\s*설정)"
                      rf"{P}\s*(?:을|를|은|는)?\s*(?:전부\s*|모두\s*|그대로\s*)?(?:{KO_SHOW}|뭐|무엇|어떻게)", {Q, D}),
    _r("prompt-leak", r"(?:위|앞|이전|처음|맨\s*처음|이\s*대화의\s*(?:처음|맨\s*앞|첫\s*부분)|지금까지)\S{0,3}\s*"
                      r"(?:에\s*있는|에\s*나온|에\s*적힌|의)?\s*(?:모든\s*)?(?:내용|글|텍스트|문장|지시|메시지|말|문구)\S{0,3}\s*"
                      r"(?:을|를)?\s*(?:전부\s*|모두\s*|그대로\s*|있는\s*그대로\s*|한\s*글자도\s*빠짐없이\s*)*"
                      r"(?:출력|반복|되풀이|인쇄|echo|읊)", {Q, D}),
    _r("prompt-leak", r"(?:system|initial|hidden|secret|original|developer|pre)\s*-?\s*prompts?", {Q, D}),
    _r("prompt-leak", rf"{EN_SHOW}\W+(?:me\W+)?(?:all\W+|the\W+|of\W+)*{EN_QUAL}\W+(?:\w+\W+){{0,2}}?(?:prompt|instructions?"
                      r"|rules|guidelines|directives|configuration|message|text|context)", {Q, D}),
    _r("prompt-leak", r"(?:repeat|print|output|copy|echo|recite)\W+(?:\w+\W+){0,4}?(?:above|before\s*this|preceding"
                      r"|verbatim|word\s*for\s*word)", {Q, D}),
    _r("prompt-leak", r"(?:what|how)\s*(?:were|are|have)\s*you\s*(?:been\s*)?(?:told|instructed|programmed|configured"
                      r"|prompted|set\s*up)", {Q, D}),
    _r("prompt-leak", r"(?:系统|系統|システム)\s*(?:提示|プロンプト)", {Q, D}),
    # --- roleplay: give the assistant another identity or lift its limits ---------------------------------
    _r("roleplay", rf"(?:{YOU_KO}|{AI}|챗봇|목민|모델)\S{{0,2}}\s*(?:는|은|이|가)?\s*(?:이제(?:부터)?|지금부터|오늘부터|여기서부터)"
                   rf"\s*{W}{{0,30}}?(?:이다|입니다|이야|야|이에요|예요|라고|역할|행세|처럼|캐릭터|된다|됩니다|돼)"),
    _r("roleplay", rf"(?:지금부터|이제부터|오늘부터|여기서부터)\s*{YOU_KO}\S{{0,2}}\s*{W}{{0,50}}?(?:이다|입니다|이야|야|이에요|예요"
                   r"|역할|행세|처럼|캐릭터|된다|됩니다|돼)"),
    _r("roleplay", r"(?:역할극|롤\s*플레이(?!잉)|롤플(?!레잉)|상황극|role\s*-?\s*play(?!ing))\S{0,2}\s*(?:을|를)?\s*(?:하자|해\s*줘|해\s*봐|해\s*보자"
                   r"|하고|할게|합시다|해요|시작|놀이|게임|모드|에서)"),
    _r("roleplay", r"(?:인|인\s*것|처럼)\s*척\s*(?:해|하고|하세요|하십시오|하라|해\s*줘|해봐|하면서)"),
    _r("roleplay", rf"(?:{YOU_KO}|{AI}|챗봇)\S{{0,3}}\s*{W}{{0,20}}?(?:역할|캐릭터|페르소나|persona)\S{{0,3}}\s*(?:을|를)?\s*"
                   r"(?:맡|연기|해|수행)"),
    _r("roleplay", rf"{AI_MODES}\s*(?:모드|mode)"),
    _r("roleplay", rf"{ADMIN_MODES}\s*(?:모드|mode)\S{{0,3}}\s*(?:로|으로|를|을)?\s*(?:전환|진입|활성화|켜|바꿔|돌입|들어가|on|enable"
                   r"|activate|switch)"),
    _r("roleplay", r"(?:제한|제약|검열|필터|규칙|윤리|안전\s*장치|가드레일)\S{0,2}\s*(?:이|가)?\s*(?:없는|없이|해제된|풀린|벗어난)\s*"
                   r"(?:ai|인공\s*지능|챗봇|모델|어시스턴트|비서|너|대답|답변|응답|답해|답하|말해|버전|상태|모드|존재)"),
    _r("roleplay", r"(?:검열|필터|윤리\s*(?:규정|기준)?|안전\s*장치|가드레일)\S{0,3}\s*(?:은|는|을|를)?\s*(?:다\s*|모두\s*)?"
                   r"(?:잊|무시|해제|풀어|끄|꺼)"),
    _r("roleplay", r"you\s*are\s*(?:now|no\s*longer)\b|from\s*now\s*on\W+(?:you|act|pretend|respond|answer|reply|speak)"),
    _r("roleplay", r"pretend\s*(?:to\s*be|you\s*are|that\s*you)|act\s*as\s*(?:an?|my|if|though)\b|role\s*-?\s*play(?!ing\s*games?)"
                   r"|stay\s*in\s*character|do\s*anything\s*now|jailbr(?:ea|o)k|opposite\s*mode"),
    _r("roleplay", r"(?:no|without)\s*(?:any\s*)?(?:restrictions|limits|limitations|rules|filters|censorship|guidelines"
                   r"|guardrails)|\b(?:unfiltered|uncensored|unrestricted)\b|evil\s*(?:twin|assistant|ai|mode|confidant)"),
    _r("roleplay", r"(?<![A-Za-z])DAN(?![A-Za-z])", raw=True),
    _r("roleplay", rf"맡은\s*(?:네가|너는|니가|당신이|당신은|너가)|{QUOTE}{W}{{2,60}}?{QUOTE}\s*(?:이?라고)\s*(?:외치|선언|발표|공지)"
                   r"\S{0,3}\s*(?:장면|대사|연기)", {Q}),
    _r("roleplay", r"you\s*are\s*['\"“‘]?[\w -]{2,20}['\"”’]?\s*,?\s*(?:an?|the)\s*(?:\w+\s*)?(?:ai|chatbot|assistant|bot|model)"
                   r"|(?:never|doesn'?t|does\s*not|won'?t|will\s*not)\s*refuse|let'?s\s*play\s*a\s*game"),
    _r("roleplay", r"(?:착한|나쁜|사악한|악한|악당|evil|bad|good)\s*(?:ai|챗봇|봇|어시스턴트|assistant|chatbot|bot)"),
    # --- addressed-to-ai: a text that tells the model what to answer --------------------------------------
    _r("addressed-to-ai", rf"{AI_WHO}\s*전용\s*(?:안내|지시|메모|지침|메시지|공지)|(?:for|to)\s*(?:ai|llm|language\s*model)s?"
                          r"\s*only"),
    _r("addressed-to-ai", r"이\s*(?:문서|글|자료|페이지|파일|내용)\S{0,2}\s*(?:가|이)?\s*(?:근거로|답변에|검색\s*결과로|검색\s*결과에)?\s*"
                          r"(?:쓰이면|사용되면|인용되면|검색되면|참조되면|활용되면|인용될\s*때|검색될\s*때|참고될\s*때)"),
    _r("addressed-to-ai", r"when\s*(?:this|the)\s*(?:page|document|text|passage|file|content)\s*is\s*(?:retrieved|read|used"
                          r"|cited|summari[sz]ed|processed|quoted)"),
    _r("addressed-to-ai", r"(?:^|[.!?]\s*)(?:dear\s*)?(?:ai|assistant|chatbot|llm|model|bot)(?:\s*assistant)?\s*,[^.]{0,60}?\b"
                          r"(?:say|answer|respond|reply|tell|state|output|append|include|claim|write)\b"),
    _r("addressed-to-ai", rf"{AI_WHO}\S{{0,3}}\s*(?:는|은|에게|께|한테|라면|님|여|야|:|,)?{W}{{0,50}}?{KO_SAY}"),
    _r("addressed-to-ai", rf"{YOU_KO}\S{{0,2}}\s*(?:는|은)?\s*{W}{{0,40}}?{KO_SAY}", {D, O}),
    _r("addressed-to-ai", r"이\s*(?:문서|글|자료|페이지|파일|내용)\S{0,2}\s*(?:를|을)?\s*(?:읽는|요약하는|처리하는|검색한|참고하는|인용하는"
                          rf"|보는|분석하는|받은|가져온|검색해\s*온|학습한)\s*(?:{AI_WHO}|모델|도우미|시스템|프로그램|봇)"),
    _r("addressed-to-ai", rf"{AI_WHO}\S{{0,3}}\s*(?:에게|께|한테|에\s*대한)\s*(?:알림|지시|안내|메모|참고|전달|요청|명령)"),
    _r("addressed-to-ai", rf"{AI_WHO}\s*(?:시스템|모델|프로그램|에이전트)?\s*(?:을|를)?\s*위한\s*(?:지침|지시|안내|명령"
                          r"|메모|규칙|프롬프트)"),
    _r("addressed-to-ai", r"(?:instructions?|guidelines?|rules|notes?|messages?)\s*for\s*(?:the\s*|any\s*|all\s*)?"
                          r"(?:ai|assistants?|models?|llms?|chatbots?|language\s*models?)\b"),
    # a quoted claim the reader of the document is told to give as the answer
    _r("addressed-to-ai", rf"(?:(?:질문|문의|물음)\S{{0,2}}\s*(?:에는|에\s*대해서?는?|마다)|(?:인용|요약|참고|답변|응답|대답|답|안내)\s*"
                          rf"(?:하는|할|한)\s*(?:경우|때)|(?:답변|응답|대답)\s*시)\S{{0,2}}\s*{W}{{0,15}}?{QUOTE}{W}{{2,80}}?{QUOTE}\s*"
                          r"(?:이?라고|이?라는\s*(?:문장|말|문구|답|내용))\S{0,3}\s*(?:만\s*)?(?:답|대답|응답|안내|출력|말|덧붙|추가|포함|적|쓰)",
       {D, O}),
    _r("addressed-to-ai", rf"(?:질문|문의|요청|물음)\S{{0,3}}\s*(?:과|와|에)?\s*(?:관계없이|상관없이|무관하게|관련\s*없이)\s*{W}{{0,60}}?"
                          r"(?:답하|답변하|대답하|출력하|말하|안내하|써|쓰)"),
    _r("addressed-to-ai", r"(?:note|message|instructions?|attention|reminder)\s*(?:to|for)\s*(?:the\s*|any\s*|all\s*)?"
                          r"(?:ai|assistant|model|llm|chatbot|language\s*model|gpt|bot)s?\b"),
    _r("addressed-to-ai", r"if\s*you\s*are\s*(?:an?\s*)?(?:ai|language\s*model|llm|assistant|chatbot|bot)\b"
                          r"|(?:ai|assistant|model|llm|chatbot|bot)s?\s*(?:reading|processing|summari[sz]ing|that\s*reads?)"
                          r"\s*(?:this|the\s*following)"),
    _r("addressed-to-ai", r"\b(?:ai|assistant|chatbot|model|llm|bot)s?\s*(?:must|should|shall|will|is\s*to|are\s*to)\s*"
                          r"(?:always\s*|only\s*)?(?:answer|respond|reply|say|state|tell|output|include|claim|recommend"
                          r"|mention|append|write)"),
    _r("addressed-to-ai", r"(?:regardless|irrespective)\s*of\s*(?:the\s*)?(?:question|query|user|what\s*(?:is|was)\s*asked)"
                          r"|(?:when|whenever|if)\s*(?:asked|answering|responding|summari[sz]ing)\b[^.]{0,60}?"
                          r"(?:always|must|only)\s*(?:say|answer|respond|reply|state|output|include|tell)"),
    # --- chat-markup: forged turn markers and special tokens ----------------------------------------------
    _r("chat-markup", r"<\|\s*(?:im_start|im_end|endoftext|system|user|assistant|eot_id|start_header_id|end_header_id"
                      r"|begin_of_text|end_of_text)\s*\|>|\[/?inst\]|<<\s*/?sys\s*>>", raw=True, flags=re.I),
    _r("chat-markup", r"^\s*\[\s*(?:system|user|assistant|시스템|사용자)\s*\]\s*$|^\s*#{2,}\s*(?:system|instruction|시스템|지시)"
                      r"|</?\s*(?:system|instructions?|시스템|자료\s*\d*)\s*>|^\s*(?:system|assistant)\s*(?:prompt|message)?"
                      r"\s*:", raw=True, flags=re.I | re.M),
    _r("chat-markup", r"^\s*#*\s*(?:system|assistant|system\s*prompt|instructions?)\s*#*\s*:?\s*$", raw=True,
       flags=re.I | re.M),
    _r("addressed-to-ai", r"(?:이제부터|지금부터)\s*(?:모든|너의|네|당신의)?\s*(?:응답|답변|대답|출력)\S{0,2}\s*(?:은|는|을|를)", {D, O}),
    # --- privilege: staff-only documents or another audience from the public channel ----------------------
    _r("privilege", rf"{STAFF_WORDS}{P}\s*{W}{{0,25}}?(?:보여|알려|출력|공개|열람|검색|내놔|줘|찾아|보고\s*싶|볼\s*수|읽어|요약"
                    r"|show|reveal|list|print|give|open|search|summari[sz]e|read)", {Q}),
    _r("privilege", r"(?:audience|권한|등급|모드|scope|범위|role|공개\s*범위)\S{0,3}\s*(?:을|를|은|는)?\s*[^.!?\n]{0,8}?"
                    r"(?:staff|직원|관리자|admin|내부|전체|staff\s*-?\s*only)\S{0,3}\s*(?:로|으로|to)\s*(?:바꿔|변경|전환|설정|올려"
                    r"|상향|해\s*줘|해서|하고|바꾸|change|set|switch)", {Q}),
    _r("privilege", rf"(?:나는|저는|난|전|제가|내가|i\s*am|i'm|as\s*an?)\s*{W}{{0,15}}?{STAFF_CLAIM}\S{{0,6}}\s*{W}{{0,30}}?"
                    r"(?:내부|직원용|비공개|대외비|권한|staff|internal|confidential|전체\s*문서|모든\s*문서|restricted)", {Q}),
    _r("privilege", rf"(?:직원|staff|관리자|admin|내부자)\s*(?:권한|모드|계정|자격|access){P}\s*{W}{{0,20}}?(?:보여|알려|검색|열람"
                    r"|전환|접근|줘|출력|show|search|give|list)", {Q}),
    _r("privilege", r"(?:권한|인증|신원|자격)\s*(?:확인|인증)\s*(?:됨|완료|되었|했)|restricted\s*(?:ones|documents?|files?|records?)"
                    r"|(?:including|even)\s*(?:the\s*)?(?:internal|private|confidential|staff)", {Q}),
    _r("privilege", rf"(?:아직\s*)?(?:발표|공개)\s*(?:안|전|되지\s*않은|안\s*된)\S{{0,3}}\s*{W}{{0,12}}?(?:이름|업체|명단|내용|자료|금액)"
                    rf"\S{{0,3}}\s*{W}{{0,20}}?(?:알려|보여|힌트|살짝|귀띔|몰래)", {Q}),
    # --- other-users: someone else's questions or personal data -------------------------------------------
    _r("other-users", rf"{KO_TIME}\S{{0,2}}\s*{W}{{0,10}}?(?:상담받은|상담한|질문한|문의한|물어본|이용한|접속한)\s*{KO_OTHER}", {Q, O}),
    _r("other-users", r"(?:다른|타)\s*(?:사람|시민|분|이용자|사용자|민원인)\S{0,3}\s*(?:들)?\S{0,2}\s*(?:이|가)?\s*(?:입력한|남긴|물어본"
                      r"|질문한|쓴|적은|보낸|올린)", {Q, O}),
    _r("other-users", r"(?:phone|number|address|name|question|data|details|message)s?\b[^.]{0,40}?(?:the\s*)?(?:previous|prior"
                      r"|last|earlier|other)\s*(?:user|person|customer|citizen|visitor|caller)", {Q, O}),
    _r("other-users", r"who\s*(?:asked|talked|spoke|chatted|wrote)\b[^.]{0,30}?(?:before\s*me|earlier|previously|last|today)",
       {Q, O}),
    _r("other-users", rf"{KO_TIME}\S{{0,2}}\s*(?:에\s*)?(?:온\s*|왔던\s*|접속한\s*|질문한\s*)?{KO_OTHER}\S{{0,3}}\s*{W}{{0,20}}?"
                      rf"{KO_PRIVATE}", {Q, O}),
    _r("other-users", r"(?:다른|타|모든)\s*(?:사용자|이용자|민원인|유저|접속자|질문자)\S{0,3}\s*(?:들)?\S{0,2}\s*[^.!?\n]{0,10}?"
                      r"(?:질문|물어본|물은|대화|채팅|검색\s*기록|입력한|상담\s*내용|문의\s*내용|목록|명단|개인\s*정보|기록)", {Q, O}),
    _r("other-users", r"(?:previous|prior|last|earlier|other|another|preceding)\s*(?:user|person|customer|citizen|visitor"
                      r"|caller|conversation|session|chat)s?'?s?\b[^.]{0,40}?(?:ask|asked|question|quer(?:y|ies)|said|wrote"
                      r"|typed|data|details|info|information|history|messages?|conversation|input|phone|address|name"
                      r"|number)", {Q, O}),
    _r("other-users", r"what\s*did\s*(?:the\s*)?(?:last|previous|other|prior)\s*(?:user|person|customer)"
                      r"|(?:other|all)\s*users'?\s*(?:data|questions|conversations|history|messages)", {Q, O}),
    # --- exfiltration: send the conversation somewhere ----------------------------------------------------
    _r("exfiltration", r"!\[[^\]]*\]\(\s*https?://"),
    _r("exfiltration", r"(?:https?://|www\.)\S+[?&][^\s=]*=\s*(?:\{|\[|<|%7b)"),
    _r("exfiltration", r"(?:대화\s*(?:내용|기록)|이전\s*질문|시스템\s*프롬프트|프롬프트|사용자\s*(?:정보|데이터|질문)|conversation"
                       r"|chat\s*history|system\s*prompt|user\s*data)\S{0,3}\s*[^.!?\n]{0,30}?(?:https?://\S+|[\w.-]+@[\w-]+\.\w+)"
                       r"\S*\s*[^.!?\n]{0,15}?(?:보내|전송|전달|post|send|forward|upload|submit|업로드|제출)"),
)
