using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// <c>dotnet run --project src/CeasefireWatch.Web -- reset-admin-password --email ...</c>: the documented way back for an
/// administrator who lost the only password. Run here against the app's services, with standard input as a reader.
/// </summary>
public sealed class AdminPasswordRecoveryTests
{
    private const string NewPassword = "a brand new admin passphrase";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Exit, string Output)> RunAsync(CeasefireWatchFactory app, string input, params string[] args)
    {
        var command = AdminPasswordRecoveryCommand.Parse([AdminPasswordRecoveryCommand.Name, .. args]);
        Assert.NotNull(command);
        using var output = new StringWriter();
        var exit = await command.RunAsync(app.Services, new StringReader(input), output, interactive: false, Ct);
        return (exit, output.ToString());
    }

    private static Task<string?> StampAsync(CeasefireWatchFactory app) =>
        app.WithDbAsync(db => db.Users.Where(u => u.Email == CeasefireWatchFactory.AdminEmail).Select(u => u.SecurityStamp).SingleAsync(Ct));

    [Fact]
    public async Task The_new_password_read_from_standard_input_works_the_old_one_does_not_and_the_security_log_says_so()
    {
        await using var app = new CeasefireWatchFactory();
        var session = await app.SignedInAsAdminAsync();
        var stampBefore = await StampAsync(app);

        var (exit, output) = await RunAsync(app, NewPassword + "\n", "--email", CeasefireWatchFactory.AdminEmail);

        Assert.Equal(0, exit);
        Assert.Contains($"The password of {CeasefireWatchFactory.AdminEmail} is set", output, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, output, StringComparison.Ordinal);
        Assert.NotEqual(stampBefore, await StampAsync(app));
        await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword);
        await app.SignedInAsync(CeasefireWatchFactory.AdminEmail, NewPassword);
        var logged = await app.WithDbAsync(db => db.SecurityEvents.Where(e => e.Kind == SecurityEventKind.PasswordReset).ToListAsync(Ct));
        var entry = Assert.Single(logged);
        Assert.Equal(CeasefireWatchFactory.AdminEmail, entry.Subject);
        Assert.Equal(RecoverAdminPassword.Actor, entry.Actor);
        Assert.DoesNotContain(NewPassword, entry.Details, StringComparison.Ordinal);

        // The session opened with the old password has ended (a new security stamp).
        using var old = await session.GetAsync(new Uri("/Admin/Users", UriKind.Relative), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, old.StatusCode);
    }

    [Fact]
    public async Task Generate_prints_a_one_time_password_that_signs_in_and_lifts_a_lockout()
    {
        await using var app = new CeasefireWatchFactory();
        await app.WithAsync<UserManager<AppUser>, bool>(async users =>
        {
            var admin = await users.FindByEmailAsync(CeasefireWatchFactory.AdminEmail);
            await users.SetLockoutEndDateAsync(admin!, DateTimeOffset.MaxValue);
            return true;
        });

        var (exit, output) = await RunAsync(app, string.Empty, "--email", CeasefireWatchFactory.AdminEmail, "--generate");

        Assert.Equal(0, exit);
        var generated = output.Split('\n').Single(l => l.StartsWith("New password", StringComparison.Ordinal)).Split(": ")[1].Trim();
        Assert.Equal(20, generated.Length);
        await app.SignedInAsync(CeasefireWatchFactory.AdminEmail, generated);
    }

    [Theory]
    [InlineData("nobody@example.org", NewPassword, "No administrator has that email.")]
    [InlineData(CeasefireWatchFactory.AdminEmail, "short", "12")]
    [InlineData(CeasefireWatchFactory.AdminEmail, "", "Enter the new password")]
    public async Task A_wrong_email_or_a_weak_password_changes_nothing(string email, string password, string expected)
    {
        await using var app = new CeasefireWatchFactory();
        var stampBefore = await StampAsync(app);

        var (exit, output) = await RunAsync(app, password + "\n", "--email", email);

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", output, StringComparison.Ordinal);
        Assert.Equal(stampBefore, await StampAsync(app));
        await app.SignedInAsAdminAsync();
        Assert.Equal(0, await app.WithDbAsync(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.PasswordReset, Ct)));
    }

    [Fact]
    public async Task An_analyst_account_is_not_recovered_from_the_console()
    {
        await using var app = new CeasefireWatchFactory();
        await app.SignedInAsRoleAsync(Roles.Analyst, "analyst@example.org");

        var (exit, output) = await RunAsync(app, NewPassword + "\n", "--email", "analyst@example.org");

        Assert.Equal(1, exit);
        Assert.Contains("No administrator has that email.", output, StringComparison.Ordinal);
        await app.AssertSignInFailsAsync("analyst@example.org", NewPassword);
    }

    [Fact]
    public async Task Without_an_email_it_prints_how_to_use_it()
    {
        await using var app = new CeasefireWatchFactory();

        var (exit, output) = await RunAsync(app, NewPassword + "\n");

        Assert.Equal(2, exit);
        Assert.Contains("reset-admin-password --email EMAIL", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_command_name_as_first_argument_starts_it_and_its_own_arguments_stay_out_of_the_hosts_configuration()
    {
        Assert.Null(AdminPasswordRecoveryCommand.Parse(["--urls", "http://127.0.0.1:5080"]));
        var command = AdminPasswordRecoveryCommand.Parse(["reset-admin-password", "--email", "a@example.org", "--ConnectionStrings:CeasefireWatch=Data Source=x.db"]);
        Assert.NotNull(command);
        Assert.Equal("a@example.org", command.Email);
        Assert.Equal(["--ConnectionStrings:CeasefireWatch=Data Source=x.db"], command.HostArgs);
    }
}
