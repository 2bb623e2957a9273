# Skrb, the application: start page, security, administration, audit: српски, ћирилица (латиница се добија транслитерацијом).

app-tagline = Информациони систем центара за социјални рад
count-households = { $count ->
    [one] { $count } домаћинство
    [few] { $count } домаћинства
   *[other] { $count } домаћинстава
}
login-title = Пријава
login-username = Корисничко име
login-password = Лозинка
login-submit = Пријави се
logout-done = Одјављени сте.
home-title = Преглед
home-welcome = Добро дошли, { $name }
home-registry = У евиденцији је { $persons } и { $households }.
role-administrator = Администратор
role-director = Директор
role-head_of_unit = Руководилац службе
role-social_worker = Стручни радник
role-rights_officer = Референт за права
role-finance_officer = Финансијски радник
role-home_help_coordinator = Координатор помоћи у кући
role-home_help_worker = Геронтодомаћица
role-commission_member = Члан комисије
role-partner = Партнер
role-auditor = Ревизор
role-ministry = Министарство
perm-registry-read = Преглед лица и домаћинстава
perm-registry-write = Упис и измјена лица и домаћинстава
perm-identity-override = Чување личних података упркос упозорењима
perm-restricted-manage = Ограничавање списа и избор тима
perm-break_glass = Отварање ограничених списа уз навођење разлога
perm-glass-review = Преглед отварања ограничених списа
perm-audit-read = Читање ревизионог трага
perm-subject-export = Извоз података лица
perm-statistics-read = Преглед статистике
perm-scope-all_centres = Рад у свим центрима
perm-user-admin = Управљање корисницима
perm-role-admin = Управљање улогама и овлашћењима
glass-pending = { $count ->
    [one] { $count } отварање ограниченог списа чека ваш преглед.
    [few] { $count } отварања ограничених списа чекају ваш преглед.
   *[other] { $count } отварања ограничених списа чека ваш преглед.
}
account-title = Мој налог
sessions-title = Сесије
logout-everywhere-done = Одјављени сте на свим уређајима.
password-change = Промијени лозинку
password-current = Тренутна лозинка
password-new = Нова лозинка
password-repeat = Нова лозинка поново
password-current-wrong = Тренутна лозинка није исправна.
password-mismatch = Двије нове лозинке се разликују.
totp-title = Други корак пријаве
totp-prompt = Унесите шестоцифрени код из апликације за провјеру или један од кодова за опоравак.
totp-code = Код
totp-wrong = Код није исправан. Покушајте најновији код из апликације.
totp-setup-title = Пријава у два корака
totp-setup-intro = Скенирајте код апликацијом за провјеру (нпр. FreeOTP, Aegis или Google Authenticator), па унесите шестоцифрени код који покаже.
totp-secret = Или унесите кључ ручно:
totp-open-app = отвори у апликацији
totp-confirm = Укључи пријаву у два корака
totp-enabled-now = Пријава у два корака је укључена.
totp-recovery-intro = Кодове за опоравак чувајте на сигурном. Сваки ради једном, ако изгубите телефон. Приказани су само сада.
totp-on = Пријава у два корака је укључена.
totp-off = Пријава у два корака је искључена.
totp-enable = Укључи
totp-disable = Искључи
totp-recovery-left = { $count ->
    [one] Остао је { $count } код за опоравак.
    [few] Остала су { $count } кода за опоравак.
   *[other] Остало је { $count } кодова за опоравак.
}
totp-reset = Уклони други корак
totp-reset-done = Кориснику је уклоњен други корак пријаве.
tokens-title = API токени
token-name = Назив
token-scopes = Овлашћења
token-days = Важи (дана)
token-expires = Истиче
token-last-used = Посљедња употреба
token-create = Направи токен
token-revoke = Опозови
token-revoked = Токен је опозван.
token-inactive = истекао или опозван
token-shown-once = Копирајте токен сада: приказује се само једном.
admin-title = Администрација
admin-users-hint = Промјена улоге, центра или статуса корисника завршава његове сесије.
admin-name = Име
admin-role = Улога
admin-centre = Центар
admin-active = Активан
roles-title = Улоге и овлашћења
roles-hint = Свака улога је скуп овлашћења. Промјене важе од сљедећег захтјева корисника.
roles-totp = Обавезна пријава у два корака
audit-title = Ревизиони траг
audit-person-who = Лице (име или ЈМБ)
audit-pick = Изаберите лице
audit-username = Корисничко име
audit-show = Прикажи
audit-export = Преузми историју приступа (CSV)
audit-none = Нема записа.
audit-from = Одакле
audit-action = Радња
audit-entity = Запис
statistics-title = Статистика
statistics-persons = Лица
statistics-women = Жене
statistics-men = Мушкарци
admin-units = Службе
admin-new-user = Нови корисник
admin-initial-password = Прва лозинка
admin-initial-password-hint = Кажите је кориснику лично; може је промијенити на страници свог налога.
admin-add-user = Додај корисника
perm-case-read = Преглед предмета
perm-case-write = Пријем и рад на предметима
perm-case-manage = Пренос предмета, оптерећеност, каталог
perm-partner-manage = Уређивање именика партнера
perm-referral-answer = Одговарање на упућивања својој организацији
statistics-work = Рад на предметима у { $year }.
statistics-intakes = Пријеми
statistics-opened = Отворени предмети
statistics-closed = Затворени предмети
statistics-open-now = Сада отворени
statistics-violence = Пријаве насиља
home-tasks = { $count ->
    [one] Имате { $count } отворен задатак.
    [few] Имате { $count } отворена задатка.
   *[other] Имате { $count } отворених задатака.
}
perm-right-read = Увид у захтјеве, рјешења и права
perm-right-decide = Вођење поступака и одлучивање о правима
perm-right-approve = Одобравање ручно одређених износа
perm-right-catalogue = Уређивање шифарника права, параметара и обнова
perm-commission-work = Рад комисија: сједнице и налази
home-procedures =
    { $count ->
        [one] Имате { $count } отворен поступак
        [few] Имате { $count } отворена поступка
       *[other] Имате { $count } отворених поступака
    }
proc-overdue-count =
    { $count ->
        [one] { $count } након рока
        [few] { $count } након рока
       *[other] { $count } након рока
    }
home-approvals =
    { $count ->
        [one] { $count } рјешење чека ваше одобрење
        [few] { $count } рјешења чекају ваше одобрење
       *[other] { $count } рјешења чека ваше одобрење
    }
perm-payment-read = Преглед платних листа, радне листе и историје исплата
perm-payment-run = Припрема, обрачун и извоз платних листа; увоз извода; рачуни исплатилаца
perm-payment-approve = Одобравање платне листе коју је обрачунао неко други
perm-homehelp-read = Увид у помоћ у кући: споразуми, листа чекања, његоватељице, распоред, рачуни
perm-homehelp-manage = Координација помоћи у кући: споразуми, распоред, његоватељице, ценовници
perm-homehelp-visit = Његоватељица: своје посјете и планови помоћи својих корисника
perm-homehelp-bill = Обрачун помоћи у кући, књижна одобрења, уплате корисника
perm-service-catalogue = Каталог услуга
perm-placement-read = Увид у хранитеље, смјештаје и старатељства
perm-placement-manage = Хранитељи, смјештаји, старатељство
perm-programme-read = Увид у програме, комисију и акције
perm-programme-manage = Програми, спискови, подјела, комисија
perm-programme-approve = Одобравање списка програма (друга особа)
perm-voucher-redeem = Уновчавање ваучера код партнера
perm-year-read = Преглед године центра: запослени, планови, округли столови
perm-year-manage = Уређивање запослених, планова и округлих столова
perm-plan-approve = Одобравање извјештаја о напретку акционог плана
perm-roundtable-answer = Одговор на упитник округлог стола
perm-report-write = Писање и објава годишњег извјештаја
perm-import-run = Увоз старих евиденција
home-pay-runs =
    { $count ->
        [one] { $count } платна листа чека ваше одобрење
        [few] { $count } платне листе чекају ваше одобрење
       *[other] { $count } платних листа чека ваше одобрење
    }
home-pay-worklist =
    { $count ->
        [one] { $count } исплата је задржана или враћена
        [few] { $count } исплате су задржане или враћене
       *[other] { $count } исплата је задржано или враћено
    }
work-nothing = Ништа вас не чека.
work-procedures = Моји поступци по року
work-approvals = Рјешења која чекају моје одобрење
work-runs = Исплате које чекају мене
work-all = Сви
