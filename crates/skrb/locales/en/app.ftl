# Skrb, the application: start page, security, administration, audit: English. Every key is in sl and sr-Cyrl too (a test checks).

app-tagline = Information system for centres for social work
count-households = { $count ->
    [one] { $count } household
   *[other] { $count } households
}
login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in
logout-done = You have signed out.
home-title = Overview
home-welcome = Welcome, { $name }
home-registry = The registry holds { $persons } and { $households }.
role-administrator = Administrator
role-director = Director
role-head_of_unit = Head of unit
role-social_worker = Social worker
role-rights_officer = Rights officer
role-finance_officer = Finance officer
role-home_help_coordinator = Home-help co-ordinator
role-home_help_worker = Home-help worker
role-commission_member = Commission member
role-partner = Partner
role-auditor = Auditor
role-ministry = Ministry
perm-registry-read = View persons and households
perm-registry-write = Register and edit persons and households
perm-identity-override = Save identity data despite warnings
perm-restricted-manage = Restrict files and choose their team
perm-break_glass = Open restricted files with a reason
perm-glass-review = Review openings of restricted files
perm-audit-read = Read the audit log
perm-subject-export = Export a person's data
perm-statistics-read = See statistics
perm-scope-all_centres = Work across all centres
perm-user-admin = Manage users
perm-role-admin = Manage roles and permissions
glass-pending = { $count ->
    [one] One opening of a restricted file waits for your review.
   *[other] { $count } openings of restricted files wait for your review.
}
account-title = My account
sessions-title = Sessions
logout-everywhere-done = You have been signed out on every device.
password-change = Change password
password-current = Current password
password-new = New password
password-repeat = New password again
password-current-wrong = The current password is not right.
password-mismatch = The two new passwords differ.
totp-title = Second step of sign-in
totp-prompt = Enter the 6-digit code from your authenticator app, or one of your recovery codes.
totp-code = Code
totp-wrong = The code is not right. Try the newest code from the app.
totp-setup-title = Two-step sign-in
totp-setup-intro = Scan the code with an authenticator app (such as FreeOTP, Aegis or Google Authenticator), then enter the 6-digit code it shows.
totp-secret = Or enter this key by hand:
totp-open-app = open in the app
totp-confirm = Turn on two-step sign-in
totp-enabled-now = Two-step sign-in is on.
totp-recovery-intro = Keep these recovery codes somewhere safe. Each works once, if you lose your phone. They are shown only now.
totp-on = Two-step sign-in is on.
totp-off = Two-step sign-in is off.
totp-enable = Turn it on
totp-disable = Turn off
totp-recovery-left = { $count ->
    [one] One recovery code left.
   *[other] { $count } recovery codes left.
}
totp-reset = Remove second factor
totp-reset-done = The user's second factor has been removed.
tokens-title = API tokens
token-name = Name
token-scopes = Permissions
token-days = Valid for (days)
token-expires = Expires
token-last-used = Last used
token-create = Create token
token-revoke = Revoke
token-revoked = The token has been revoked.
token-inactive = expired or revoked
token-shown-once = Copy the token now: it is shown only once.
admin-title = Administration
admin-users-hint = Changing a user's role, centre or status ends their sessions.
admin-name = Name
admin-role = Role
admin-centre = Centre
admin-active = Active
roles-title = Roles and permissions
roles-hint = Each role is a set of permissions. Changes apply at the users' next request.
roles-totp = Two-step sign-in required
audit-title = Audit log
audit-person-who = Person (name or personal number)
audit-pick = Choose the person
audit-username = Username
audit-show = Show
audit-export = Download the access history (CSV)
audit-none = No records.
audit-from = From
audit-action = Action
audit-entity = Record
statistics-title = Statistics
statistics-persons = Persons
statistics-women = Women
statistics-men = Men
admin-units = Units
admin-new-user = New user
admin-initial-password = First password
admin-initial-password-hint = Tell it to the user in person; they can change it on their account page.
admin-add-user = Add user
perm-case-read = View case files
perm-case-write = Record intakes and work case files
perm-case-manage = Transfer files, see caseloads, keep the catalogue
perm-partner-manage = Keep the partner directory
perm-referral-answer = Answer referrals to one's organisation
statistics-work = Case work in { $year }
statistics-intakes = Intakes
statistics-opened = Files opened
statistics-closed = Files closed
statistics-open-now = Open now
statistics-violence = Violence reports
home-tasks = { $count ->
    [one] You have one open task.
   *[other] You have { $count } open tasks.
}
perm-right-read = Read applications, decisions and entitlements
perm-right-decide = Take applications through the procedure and decide
perm-right-approve = Approve amounts set by hand
perm-right-catalogue = Keep the catalogue of rights, parameters and renewals
perm-commission-work = Work of commissions: sessions and findings
home-procedures =
    { $count ->
        [one] { $count } procedure of yours is open
       *[other] { $count } procedures of yours are open
    }
proc-overdue-count =
    { $count ->
        [one] { $count } past the deadline
       *[other] { $count } past the deadline
    }
home-approvals =
    { $count ->
        [one] { $count } decision awaits your approval
       *[other] { $count } decisions await your approval
    }
perm-payment-read = See payment runs, the work list and payment history
perm-payment-run = Prepare, calculate and export payment runs; import statements; payer accounts
perm-payment-approve = Approve a payment run calculated by someone else
perm-homehelp-read = See home help: agreements, the waiting list, carers, the roster, invoices
perm-homehelp-manage = Co-ordinate home help: agreements, the roster, carers, price lists
perm-homehelp-visit = A carer: their own visits and their users' care plans
perm-homehelp-bill = Bill home help, credit notes, users' payments
perm-service-catalogue = Keep the catalogue of services
perm-placement-read = See foster carers, placements and guardianships
perm-placement-manage = Foster carers, placements, guardianship
perm-programme-read = See programmes, the committee and community actions
perm-programme-manage = Programmes, lists, handing over, the committee
perm-programme-approve = Approve a programme's list (second person)
perm-voucher-redeem = Redeem vouchers at a partner
perm-year-read = See the centre's year: staff, plans, round tables
perm-year-manage = Keep staff, plans and round tables
perm-plan-approve = Approve progress updates of the action plan
perm-roundtable-answer = Answer the round table's questionnaire
perm-report-write = Write and publish the annual report
perm-import-run = Bring old registers in (import)
home-pay-runs =
    { $count ->
        [one] { $count } payment run awaits your approval
       *[other] { $count } payment runs await your approval
    }
home-pay-worklist =
    { $count ->
        [one] { $count } payment is held or returned
       *[other] { $count } payments are held or returned
    }
work-nothing = Nothing is waiting for you.
work-procedures = My procedures, by deadline
work-approvals = Decisions waiting for my approval
work-runs = Payment runs waiting for me
work-all = All of them
