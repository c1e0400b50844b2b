global using System.Text.Json.Nodes;
global using SecureMonitor.Admin.Client;
global using SecureMonitor.Pki;
global using SecureMonitor.Protocol;
global using SecureMonitor.TestKit;
global using SecureMonitor.TestKit.Monitors;
global using Xunit;
global using Xunit.Abstractions;
