# Skrb, the application: start page, security, administration, audit: slovenščina.

app-tagline = Informacijski sistem centrov za socialno delo
count-households = { $count ->
    [one] { $count } gospodinjstvo
    [two] { $count } gospodinjstvi
    [few] { $count } gospodinjstva
   *[other] { $count } gospodinjstev
}
login-title = Prijava
login-username = Uporabniško ime
login-password = Geslo
login-submit = Prijava
logout-done = Odjavljeni ste.
home-title = Pregled
home-welcome = Pozdravljeni, { $name }
home-registry = V evidenci je { $persons } in { $households }.
role-administrator = Skrbnik sistema
role-director = Direktor
role-head_of_unit = Vodja enote
role-social_worker = Strokovni delavec
role-rights_officer = Referent za pravice
role-finance_officer = Finančni delavec
role-home_help_coordinator = Koordinator pomoči na domu
role-home_help_worker = Socialna oskrbovalka
role-commission_member = Član komisije
role-partner = Partner
role-auditor = Revizor
role-ministry = Ministrstvo
perm-registry-read = Pregled oseb in gospodinjstev
perm-registry-write = Vpis in urejanje oseb in gospodinjstev
perm-identity-override = Shranjevanje osebnih podatkov kljub opozorilom
perm-restricted-manage = Omejevanje spisov in izbira skupine
perm-break_glass = Odpiranje omejenih spisov z navedbo razloga
perm-glass-review = Pregled odpiranj omejenih spisov
perm-audit-read = Branje revizijske sledi
perm-subject-export = Izvoz podatkov osebe
perm-statistics-read = Pregled statistike
perm-scope-all_centres = Delo v vseh centrih
perm-user-admin = Upravljanje uporabnikov
perm-role-admin = Upravljanje vlog in pravic
glass-pending = { $count ->
    [one] { $count } odprtje omejenega spisa čaka na vaš pregled.
    [two] { $count } odprtji omejenih spisov čakata na vaš pregled.
    [few] { $count } odprtja omejenih spisov čakajo na vaš pregled.
   *[other] { $count } odprtij omejenih spisov čaka na vaš pregled.
}
account-title = Moj račun
sessions-title = Seje
logout-everywhere-done = Odjavljeni ste na vseh napravah.
password-change = Spremeni geslo
password-current = Trenutno geslo
password-new = Novo geslo
password-repeat = Novo geslo še enkrat
password-current-wrong = Trenutno geslo ni pravilno.
password-mismatch = Novi gesli se razlikujeta.
totp-title = Drugi korak prijave
totp-prompt = Vnesite 6-mestno kodo iz aplikacije za preverjanje ali eno od obnovitvenih kod.
totp-code = Koda
totp-wrong = Koda ni pravilna. Poskusite z najnovejšo kodo iz aplikacije.
totp-setup-title = Prijava v dveh korakih
totp-setup-intro = Kodo skenirajte z aplikacijo za preverjanje (npr. FreeOTP, Aegis ali Google Authenticator), nato vnesite 6-mestno kodo, ki jo pokaže.
totp-secret = Ali ključ vnesite ročno:
totp-open-app = odpri v aplikaciji
totp-confirm = Vklopi prijavo v dveh korakih
totp-enabled-now = Prijava v dveh korakih je vklopljena.
totp-recovery-intro = Obnovitvene kode shranite na varno. Vsaka deluje enkrat, če izgubite telefon. Prikazane so le zdaj.
totp-on = Prijava v dveh korakih je vklopljena.
totp-off = Prijava v dveh korakih je izklopljena.
totp-enable = Vklopi
totp-disable = Izklopi
totp-recovery-left = { $count ->
    [one] Ostala je { $count } obnovitvena koda.
    [two] Ostali sta { $count } obnovitveni kodi.
    [few] Ostale so { $count } obnovitvene kode.
   *[other] Ostalo je { $count } obnovitvenih kod.
}
totp-reset = Odstrani drugi korak
totp-reset-done = Uporabniku je drugi korak prijave odstranjen.
tokens-title = Žetoni API
token-name = Ime
token-scopes = Pravice
token-days = Velja (dni)
token-expires = Poteče
token-last-used = Zadnja uporaba
token-create = Ustvari žeton
token-revoke = Prekliči
token-revoked = Žeton je preklican.
token-inactive = potekel ali preklican
token-shown-once = Žeton kopirajte zdaj: prikazan je le enkrat.
admin-title = Administracija
admin-users-hint = Sprememba vloge, centra ali stanja uporabnika konča njegove seje.
admin-name = Ime
admin-role = Vloga
admin-centre = Center
admin-active = Aktiven
roles-title = Vloge in pravice
roles-hint = Vsaka vloga je nabor pravic. Spremembe veljajo ob naslednji zahtevi uporabnikov.
roles-totp = Zahtevana prijava v dveh korakih
audit-title = Revizijska sled
audit-person-who = Oseba (ime ali EMŠO)
audit-pick = Izberite osebo
audit-username = Uporabniško ime
audit-show = Prikaži
audit-export = Prenesi zgodovino dostopov (CSV)
audit-none = Ni zapisov.
audit-from = Od kod
audit-action = Dejanje
audit-entity = Zapis
statistics-title = Statistika
statistics-persons = Osebe
statistics-women = Ženske
statistics-men = Moški
admin-units = Enote
admin-new-user = Nov uporabnik
admin-initial-password = Prvo geslo
admin-initial-password-hint = Uporabniku ga povejte osebno; spremeni ga lahko na strani svojega računa.
admin-add-user = Dodaj uporabnika
perm-case-read = Vpogled v spise
perm-case-write = Sprejem in delo na spisih
perm-case-manage = Prenos spisov, obremenitve, katalog
perm-partner-manage = Urejanje imenika partnerjev
perm-referral-answer = Odgovarjanje na napotitve svoji organizaciji
statistics-work = Delo s spisi v letu { $year }
statistics-intakes = Sprejemi
statistics-opened = Odprti spisi
statistics-closed = Zaključeni spisi
statistics-open-now = Zdaj odprti
statistics-violence = Prijave nasilja
home-tasks = { $count ->
    [one] Imate { $count } odprto nalogo.
    [two] Imate { $count } odprti nalogi.
    [few] Imate { $count } odprte naloge.
   *[other] Imate { $count } odprtih nalog.
}
perm-right-read = Vpogled v vloge, odločbe in upravičenja
perm-right-decide = Vodenje postopkov in odločanje o pravicah
perm-right-approve = Odobritev ročno določenih zneskov
perm-right-catalogue = Urejanje šifranta pravic, parametrov in obnov
perm-commission-work = Delo komisij: seje in izvidi
home-procedures =
    { $count ->
        [one] Imate { $count } odprt postopek
        [two] Imate { $count } odprta postopka
        [few] Imate { $count } odprte postopke
       *[other] Imate { $count } odprtih postopkov
    }
proc-overdue-count =
    { $count ->
        [one] { $count } po roku
        [two] { $count } po roku
        [few] { $count } po roku
       *[other] { $count } po roku
    }
home-approvals =
    { $count ->
        [one] { $count } odločba čaka na vašo odobritev
        [two] { $count } odločbi čakata na vašo odobritev
        [few] { $count } odločbe čakajo na vašo odobritev
       *[other] { $count } odločb čaka na vašo odobritev
    }
perm-payment-read = Pregled plačilnih list, delovnega seznama in zgodovine izplačil
perm-payment-run = Priprava, izračun in izvoz plačilnih list; uvoz izpiskov; plačilni računi
perm-payment-approve = Odobritev plačilne liste, ki jo je izračunal nekdo drug
perm-homehelp-read = Vpogled v pomoč na domu: dogovori, čakalni seznam, oskrbovalke, razpored, računi
perm-homehelp-manage = Koordinacija pomoči na domu: dogovori, razpored, oskrbovalke, ceniki
perm-homehelp-visit = Oskrbovalka: svoji obiski in načrti pomoči svojih uporabnikov
perm-homehelp-bill = Obračun pomoči na domu, dobropisi, plačila uporabnikov
perm-service-catalogue = Katalog storitev
perm-placement-read = Vpogled v rejnike, namestitve in skrbništva
perm-placement-manage = Rejniki, namestitve, skrbništvo
perm-programme-read = Vpogled v programe, komisijo in akcije
perm-programme-manage = Programi, seznami, razdelitev, komisija
perm-programme-approve = Potrditev seznama programa (druga oseba)
perm-voucher-redeem = Unovčenje bonov pri partnerju
perm-year-read = Pregled leta centra: zaposleni, načrti, okrogle mize
perm-year-manage = Urejanje zaposlenih, načrtov in okroglih miz
perm-plan-approve = Potrjevanje poročil o napredku akcijskega načrta
perm-roundtable-answer = Odgovor na vprašalnik okrogle mize
perm-report-write = Pisanje in objava letnega poročila
perm-import-run = Uvoz starih evidenc
home-pay-runs =
    { $count ->
        [one] { $count } plačilna lista čaka na vašo odobritev
        [two] { $count } plačilni listi čakata na vašo odobritev
        [few] { $count } plačilne liste čakajo na vašo odobritev
       *[other] { $count } plačilnih list čaka na vašo odobritev
    }
home-pay-worklist =
    { $count ->
        [one] { $count } izplačilo je zadržano ali vrnjeno
        [two] { $count } izplačili sta zadržani ali vrnjeni
        [few] { $count } izplačila so zadržana ali vrnjena
       *[other] { $count } izplačil je zadržanih ali vrnjenih
    }
work-nothing = Nič vas ne čaka.
work-procedures = Moji postopki po roku
work-approvals = Odločbe, ki čakajo na mojo odobritev
work-runs = Izplačila, ki čakajo name
work-all = Vsi
