using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Features.Notifications;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// A webhook is the server calling a URL a Supervisor typed: it never connects to a link-local address (where cloud
/// hosts serve instance metadata and credentials) and never follows a redirect; loopback and private receivers work,
/// unless the operator turns <c>Notifications:AllowPrivateWebhookTargets</c> off.
/// </summary>
public sealed class WebhookAddressesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fe80::a00:27ff:fe4e:66a1", true)]
    [InlineData("64:ff9b::169.254.169.254", true)]
    [InlineData("64:ff9b::a9fe:1", true)]
    [InlineData("64:ff9b:1::a9fe:a9fe", true)]
    [InlineData("64:ff9b:1:ffff:ffff::a9fe:a9fe", true)]
    [InlineData("64:ff9b:1:a9fe:00a9:fe00::", true)]
    [InlineData("64:ff9b:1:00a9:00fe:a9fe::", true)]
    [InlineData("64:ff9b:1:0:a9:fea9:fe00:0", true)]
    [InlineData("64:ff9b:1:5db8:0:d822::", false)]
    [InlineData("2002:a9fe:a9fe::1", true)]
    [InlineData("::169.254.169.254", true)]
    [InlineData("64:ff9b::93.184.216.34", false)]
    [InlineData("64:ff9b::1:a9fe:a9fe", false)]
    [InlineData("2002:5db8:d822::1", false)]
    [InlineData("2001:a9fe:a9fe::1", false)]
    [InlineData("::a9fe:a9fe:0:0", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.0.10", false)]
    [InlineData("172.17.0.1", false)]
    [InlineData("169.255.0.1", false)]
    [InlineData("168.254.0.1", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2001:db8::1", false)]
    public void Only_link_local_addresses_are_refused(string address, bool refused) =>
        Assert.Equal(refused, WebhookAddresses.IsRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.0.10", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.127.255.255", true)]
    [InlineData("198.18.0.1", true)]
    [InlineData("192.0.2.10", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("fc00::1", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("fec0::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("64:ff9b::c0a8:1", true)]
    [InlineData("2002:c0a8:1::1", true)]
    [InlineData("64:ff9b:1:5db8:0:d822::", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.15.255.255", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.63.255.255", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("198.20.0.1", false)]
    [InlineData("223.255.255.255", false)]
    [InlineData("2606:4700::1111", false)]
    [InlineData("::ffff:93.184.216.34", false)]
    [InlineData("64:ff9b::93.184.216.34", false)]
    [InlineData("2002:5db8:d822::1", false)]
    public void With_private_targets_refused_every_address_not_globally_reachable_is(string address, bool refused) =>
        Assert.Equal(refused, WebhookAddresses.IsRefused(IPAddress.Parse(address), refusePrivate: true));

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", false, false)]
    [InlineData("http://127.0.0.1:8080/hook", true, true)]
    [InlineData("http://localhost/hook", false, false)]
    [InlineData("http://localhost/hook", true, true)]
    [InlineData("http://LocalHost./hook", true, true)]
    [InlineData("http://desk.localhost/hook", true, true)]
    [InlineData("http://localhost.example.org/hook", true, false)]
    [InlineData("http://[fd00::5]/hook", true, true)]
    [InlineData("https://hooks.example.org/cw", true, false)]
    [InlineData("http://169.254.169.254/", false, true)]
    public void A_target_is_refused_literally_by_its_address_or_a_localhost_name(string target, bool refusePrivate, bool refused) =>
        Assert.Equal(refused, WebhookAddresses.IsRefusedLiteral(target, refusePrivate));

    [Fact]
    public async Task With_private_targets_refused_the_handler_does_not_connect_to_a_loopback_receiver_by_address_or_by_name()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(WebhookAddresses.CreateHandler(refusePrivate: true)) { Timeout = TimeSpan.FromSeconds(30) };

        foreach (var target in new[] { receiver.Url, $"http://localhost:{receiver.Port}/hook" })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(target, new StringContent("{}"), Ct));
            Assert.Contains("Notifications:AllowPrivateWebhookTargets is false", refused.Message, StringComparison.Ordinal);
        }

        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task With_private_targets_refused_a_proxy_on_the_operators_network_is_still_reached_for_public_targets()
    {
        await using var proxy = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(WebhookAddresses.CreateHandler(new WebProxy($"http://127.0.0.1:{proxy.Port}"), refusePrivate: true));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://10.0.0.1/hook", new StringContent("{}"), Ct));
        Assert.Contains("AllowPrivateWebhookTargets", refused.Message, StringComparison.Ordinal);
        Assert.Empty(proxy.Received);

        using var passed = await client.PostAsync("http://93.184.216.34/hook", new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Single(proxy.Received);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fe80::1]/hook")]
    public async Task The_webhook_handler_refuses_a_link_local_target_before_connecting(string target)
    {
        using var client = new HttpClient(WebhookAddresses.CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) };

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(target, new StringContent("{}"), Ct));

        Assert.Contains("link-local", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_webhook_handler_reaches_a_loopback_receiver_and_does_not_follow_its_redirect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(WebhookAddresses.CreateHandler());

        using (var moved = await client.PostAsync(receiver.RedirectingUrl, new StringContent("{}"), Ct))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, moved.StatusCode);
            Assert.Empty(receiver.Received);
        }

        using var delivered = await client.PostAsync(receiver.Url, new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Through_a_proxy_the_target_itself_is_checked_and_an_allowed_one_goes_through_the_proxy()
    {
        // The receiver plays the proxy: a plain-http request through a proxy is sent to it whole, absolute URI and all.
        await using var proxy = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(WebhookAddresses.CreateHandler(new WebProxy($"http://127.0.0.1:{proxy.Port}")));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => client.PostAsync("http://169.254.169.254/hook", new StringContent("{}"), Ct));
        Assert.Contains("link-local", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://[64:ff9b::a9fe:a9fe]/hook", new StringContent("{}"), Ct));
        Assert.Empty(proxy.Received);

        using var passed = await client.PostAsync("http://192.0.2.10/hook", new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Single(proxy.Received);

        // A name the server cannot resolve is the proxy's to resolve (behind a proxy, outside names often are).
        using var unresolved = await client.PostAsync("http://no-such-receiver.invalid/hook", new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, unresolved.StatusCode);
        Assert.Equal(2, proxy.Received.Count);
    }
}
